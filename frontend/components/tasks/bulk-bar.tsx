"use client";

import { CalendarClock, CheckCheck, FolderInput, ListChecks, Tag, Trash2, X } from "lucide-react";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { useBulkActions } from "@/hooks/use-bulk-actions";
import type { TaskBoardState } from "@/hooks/use-task-board";
import { clearChosen, setCheckMode, useCheckMode, useChosenTaskIds } from "@/hooks/use-task-selection";
import { cn } from "@/lib/utils";
import { startOfDay, todayIn } from "@/lib/zoned-date";

const FIELD =
  "h-8 rounded-md border border-input bg-background px-2 text-sm shadow-xs outline-none focus-visible:ring-2 focus-visible:ring-ring/40 disabled:opacity-50";

/** The checkbox mode's switch: every row gets a Select checkbox (Shift+click and Shift+j/k work without it). */
export function SelectModeToggle() {
  const on = useCheckMode();
  return (
    <Button
      variant={on ? "secondary" : "outline"}
      size="sm"
      aria-pressed={on}
      onClick={() => setCheckMode(!on)}
      data-testid="select-mode"
    >
      <ListChecks aria-hidden />
      Select
    </Button>
  );
}

/**
 * Shown while tasks are chosen: complete them, move them to a list, add a
 * label, set a due date, or delete them, each in one batch with an Undo.
 */
export function BulkBar({ board }: { board: TaskBoardState }) {
  const chosen = useChosenTaskIds();
  const { run, running } = useBulkActions(board);
  const [listId, setListId] = React.useState("");
  const [labelId, setLabelId] = React.useState("");
  const [day, setDay] = React.useState(() => todayIn(board.zone));
  if (chosen.size === 0) return null;
  const lists = board.lists.data ?? [];
  const labels = board.labels.data ?? [];
  const count = chosen.size === 1 ? "1 task selected" : `${chosen.size} tasks selected`;
  return (
    <section
      aria-label="Bulk actions"
      data-testid="bulk-bar"
      className="sticky top-2 z-20 flex flex-wrap items-center gap-2 rounded-lg border bg-card p-2 shadow-md"
    >
      <p className="px-1 text-sm font-medium" role="status" aria-live="polite">
        {count}
      </p>
      <Button size="sm" variant="outline" disabled={running} onClick={() => void run({ kind: "complete" })}>
        <CheckCheck aria-hidden />
        Complete
      </Button>
      <form
        className="flex items-center gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          const list = lists.find((l) => l.id === listId);
          if (list) void run({ kind: "move", listId: list.id }, { list: list.name });
        }}
      >
        <label htmlFor="bulk-list" className="sr-only">
          List to move the selected tasks to
        </label>
        <select id="bulk-list" className={FIELD} value={listId} onChange={(e) => setListId(e.target.value)}>
          <option value="">List…</option>
          {lists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <Button size="sm" variant="outline" type="submit" disabled={running || !listId}>
          <FolderInput aria-hidden />
          Move
        </Button>
      </form>
      <form
        className="flex items-center gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          const label = labels.find((l) => l.id === labelId);
          if (label) void run({ kind: "label", labelId: label.id }, { label: label.name });
        }}
      >
        <label htmlFor="bulk-label" className="sr-only">
          Label to add to the selected tasks
        </label>
        <select id="bulk-label" className={FIELD} value={labelId} onChange={(e) => setLabelId(e.target.value)}>
          <option value="">Label…</option>
          {labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <Button size="sm" variant="outline" type="submit" disabled={running || !labelId}>
          <Tag aria-hidden />
          Add label
        </Button>
      </form>
      <form
        className="flex items-center gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          if (!day) return;
          // A date only: due that day, all day, in the user's zone.
          void run({ kind: "due", dueAt: startOfDay(day, board.zone).toISOString(), allDay: true });
        }}
      >
        <label htmlFor="bulk-due" className="sr-only">
          Due date for the selected tasks
        </label>
        <input id="bulk-due" type="date" className={FIELD} value={day} onChange={(e) => setDay(e.target.value)} />
        <Button size="sm" variant="outline" type="submit" disabled={running || !day}>
          <CalendarClock aria-hidden />
          Set date
        </Button>
      </form>
      <Button size="sm" variant="destructive" disabled={running} onClick={() => void run({ kind: "delete" })}>
        <Trash2 aria-hidden />
        Delete
      </Button>
      <Button
        size="sm"
        variant="ghost"
        className={cn("ml-auto")}
        onClick={() => {
          clearChosen();
          setCheckMode(false);
        }}
        aria-label="Clear the selection"
      >
        <X aria-hidden />
      </Button>
    </section>
  );
}
