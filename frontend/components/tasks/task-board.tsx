"use client";

import { useTaskBoard } from "@/hooks/use-task-board";

import { OutageBanner } from "./outage-banner";
import { TaskComposer } from "./task-composer";
import { TaskFilters } from "./task-filters";
import { TaskList } from "./task-list";

/** The dashboard: the composer, the filters and the list, wired to the board's state (hooks/use-task-board.ts). */
export function TaskBoard({ userId }: { userId: string }) {
  const board = useTaskBoard(userId);
  return (
    <div className="grid gap-4">
      {board.outage ? <OutageBanner message={board.outage} onRetry={board.retry} /> : null}
      <TaskComposer onCreate={board.create} />
      <TaskFilters filters={board.filters} onChange={board.changeFilters} />
      <TaskList board={board} />
      <p className="sr-only" role="status" aria-live="polite">
        {board.announcement}
      </p>
    </div>
  );
}
