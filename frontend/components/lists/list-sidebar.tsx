"use client";

import { useQueryClient } from "@tanstack/react-query";
import { CalendarDays, CalendarClock, GripVertical, Inbox, Pencil, Tag, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/sonner";
import { labelKeys, useCreateLabel, useDeleteLabel, useFetchLatestLabel, useUpdateLabel } from "@/hooks/use-labels";
import { useCreateList, useDeleteList, useFetchLatestList, useMoveList, useUpdateList } from "@/hooks/use-lists";
import { UNDO_MS, UNDO_TOAST, viewQuery, type TaskBoardState } from "@/hooks/use-task-board";
import { useRestoreFromTrash } from "@/hooks/use-trash";
import { listKeys, taskKeys, useTaskList } from "@/hooks/use-tasks";
import { schemaConstraints } from "@/lib/api/schema-constraints";
import { ApiError, type Color, type Label, type TaskList } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

import { COLOR_DOT } from "./list-colors";
import { ConfirmDelete } from "./confirm-delete";
import { ListForm } from "./list-form";
import { ListOrder, ListRow, placement } from "./list-order";

export { LIST_SORT } from "./list-order";

const LABEL_NAME_MAX = schemaConstraints.LabelInput.properties.name.maxLength;

const problemOf = (error: unknown) =>
  error instanceof ApiError ? (error.fieldErrors().name ?? error.message) : "Something went wrong. Please try again.";

type Kind = "list" | "label";
type NameAndColor = { name: string; color: Color };

/** A list or label being edited: the copy the form started from, and its version (sent as If-Match). */
interface Editing {
  id: string;
  initial: NameAndColor;
  etag: string | null;
  /** Bumped when the form restarts from a newer copy (after a 412). */
  generation: number;
}

/**
 * Inbox and the user's lists with their open tasks (create, rename,
 * recolour, delete, reorder by drag or Alt+↑/↓), and the labels (create,
 * rename, recolour, delete; choose one or several to filter by). The same
 * component is the desktop sidebar and the phone's drawer.
 */
export function ListSidebar({
  board,
  onNavigate,
  dropTargets = false,
}: {
  board: TaskBoardState;
  onNavigate?: () => void;
  /**
   * Whether this is the desktop sidebar, beside the tasks: tasks can be
   * dropped on its lists, and it shares the tasks' drag context. The
   * drawer has a drag context of its own.
   */
  dropTargets?: boolean;
}) {
  const { lists, currentList, userId, labels, labelFilters } = board;
  const client = useQueryClient();
  const router = useRouter();
  const moveHint = React.useId();
  const createList = useCreateList(userId);
  const updateList = useUpdateList(userId);
  const deleteList = useDeleteList(userId);
  const restoreList = useRestoreFromTrash(userId);
  const moveList = useMoveList(userId);
  const fetchList = useFetchLatestList(userId);
  const createLabel = useCreateLabel(userId);
  const updateLabel = useUpdateLabel(userId);
  const deleteLabel = useDeleteLabel(userId);
  const fetchLabel = useFetchLatestLabel(userId);
  const [editing, setEditing] = React.useState<Editing | null>(null);
  const [editingLabel, setEditingLabel] = React.useState<Editing | null>(null);
  const [announcement, setAnnouncement] = React.useState("");

  /** Reads the lists (or labels) again, and the tasks, whose counts and chips show them. */
  function refresh(kind: Kind) {
    void client.invalidateQueries({ queryKey: kind === "list" ? listKeys.all(userId) : labelKeys.all(userId) });
    void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
  }

  /**
   * What a failed edit or delete of a list or label says. A 412 (someone
   * changed it since the user saw it) and a 404 (someone deleted it) read the
   * data again; the toast says what became of the user's change.
   */
  function tellFailure(kind: Kind, error: unknown, verb: "edit" | "save" | "delete" | "restore") {
    const Noun = kind === "list" ? "List" : "Label";
    if (error instanceof ApiError && error.kind === "conflict") {
      refresh(kind);
      toast.error(`This ${kind} was changed elsewhere`, {
        description:
          verb === "delete"
            ? "It was not deleted. The latest version is shown; delete it again if you still want to."
            : "Your change was not saved. The latest version is shown; make your change again.",
      });
    } else if (error instanceof ApiError && error.kind === "not_found") {
      refresh(kind);
      toast.error(`${Noun} no longer exists`, { description: "It was deleted elsewhere." });
    } else if (error instanceof ApiError && error.kind === "signed_out") {
      router.replace("/sign-in?next=/dashboard");
    } else {
      toast.error(`Could not ${verb} the ${kind}`, { description: problemOf(error) });
    }
  }

  async function create(value: NameAndColor) {
    try {
      const created = await createList.mutateAsync(value);
      router.push(`/dashboard?list=${created.id}`);
      onNavigate?.();
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async function addLabel(value: NameAndColor) {
    try {
      await createLabel.mutateAsync(value);
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  /** Opens the form on the list's current copy: its version guards the save. */
  async function startEditing(list: TaskList) {
    try {
      const { value, etag } = await fetchList(list.id);
      setEditing({ id: list.id, initial: { name: value.name, color: value.color }, etag, generation: 0 });
    } catch (e) {
      tellFailure("list", e, "edit");
    }
  }

  async function startEditingLabel(label: Label) {
    try {
      const { value, etag } = await fetchLabel(label.id);
      setEditingLabel({ id: label.id, initial: { name: value.name, color: value.color }, etag, generation: 0 });
    } catch (e) {
      tellFailure("label", e, "edit");
    }
  }

  /**
   * Saves a list's or label's edit with If-Match. On a 412 the form starts
   * again from the latest copy (and its version), and a toast says why.
   */
  async function saveEdit(
    kind: Kind,
    current: Editing,
    value: NameAndColor,
    set: React.Dispatch<React.SetStateAction<Editing | null>>,
  ): Promise<string | null> {
    try {
      if (kind === "list") await updateList.mutateAsync({ id: current.id, patch: value, etag: current.etag });
      else await updateLabel.mutateAsync({ id: current.id, patch: value, etag: current.etag });
      set(null);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.kind === "conflict") {
        try {
          const { value: latest, etag } = await (kind === "list" ? fetchList(current.id) : fetchLabel(current.id));
          set({
            id: current.id,
            initial: { name: latest.name, color: latest.color },
            etag,
            generation: current.generation + 1,
          });
        } catch (again) {
          set(null);
          tellFailure(kind, again, "edit");
          return null;
        }
        tellFailure(kind, e, "save");
        return null;
      }
      if (e instanceof ApiError && (e.kind === "not_found" || e.kind === "signed_out")) {
        set(null);
        tellFailure(kind, e, "save");
        return null;
      }
      return problemOf(e);
    }
  }

  async function remove(list: TaskList, etag: string | null) {
    try {
      await deleteList.mutateAsync({ list, etag });
      toast("List deleted", {
        id: UNDO_TOAST,
        description: `“${list.name}” and its tasks are in the trash.`,
        action: {
          label: "Undo",
          onClick: () =>
            void restoreList.mutateAsync(list).then(
              () => setAnnouncement(`“${list.name}” is back.`),
              (e: unknown) => tellFailure("list", e, "restore"),
            ),
        },
        duration: UNDO_MS,
      });
      if (currentList?.id === list.id) router.push("/dashboard");
    } catch (e) {
      tellFailure("list", e, "delete");
    }
  }

  async function removeLabel(label: Label, etag: string | null) {
    try {
      await deleteLabel.mutateAsync({ label, etag });
      toast("Label deleted", { description: `“${label.name}” is off every task that had it.` });
      if (labelFilters.includes(label.id)) board.setLabelFilters(labelFilters.filter((id) => id !== label.id));
    } catch (e) {
      tellFailure("label", e, "delete");
    }
  }

  /** Moves a list (the order shows at once, and goes back with a toast if the API refuses). */
  async function move(list: TaskList, target: number | string) {
    const all = lists.data ?? [];
    const to = placement(all, list.id, target);
    if (!to) {
      if (typeof target === "number")
        setAnnouncement(`“${list.name}” is already the ${target < 0 ? "first" : "last"} list.`);
      return;
    }
    const anchor = all.find((l) => l.id === (to.before ?? to.after));
    const where = to.before ? `before “${anchor?.name}”` : `after “${anchor?.name}”`;
    try {
      await moveList.mutateAsync({ id: list.id, to });
      setAnnouncement(`“${list.name}” moved ${where}.`);
    } catch (e) {
      setAnnouncement(`“${list.name}” could not be moved.`);
      toast.error("Could not move the list", { description: problemOf(e) });
    }
  }

  function onListKeyDown(list: TaskList, event: React.KeyboardEvent) {
    if (!event.altKey || list.is_inbox || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    void move(list, event.key === "ArrowUp" ? -1 : 1);
  }

  return (
    <nav aria-label="Lists" className="grid gap-4">
      {lists.isError ? (
        <p className="text-sm text-destructive" role="alert">
          Your lists could not be loaded: {lists.error.message}
        </p>
      ) : null}
      <p className="sr-only" role="status" aria-live="polite" data-testid="list-announcement">
        {announcement}
      </p>
      <p id={moveHint} className="sr-only">
        Alt with the up and down arrows moves the list.
      </p>
      <DateViewLinks board={board} onNavigate={onNavigate} />
      <ListOrder lists={lists.data ?? []} standalone={!dropTargets} onDrop={(list, target) => void move(list, target)}>
        <ul className="grid gap-1" data-testid="list-rows">
          {(lists.data ?? []).map((list) => (
            <li key={list.id}>
              {editing?.id === list.id ? (
                <ListForm
                  key={editing.generation}
                  idPrefix={`list-${list.id}`}
                  initial={editing.initial}
                  submitLabel="Save"
                  onSubmit={(value) => saveEdit("list", editing, value, setEditing)}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <ListRow
                  list={list}
                  taskDrop={dropTargets}
                  className={cn(
                    "group flex items-center gap-1 rounded-md pr-1 hover:bg-accent",
                    currentList?.id === list.id && "bg-accent",
                  )}
                >
                  <Link
                    href={list.is_inbox ? "/dashboard" : `/dashboard?list=${list.id}`}
                    aria-current={currentList?.id === list.id ? "page" : undefined}
                    data-color={list.color}
                    onClick={onNavigate}
                    onKeyDown={(event) => onListKeyDown(list, event)}
                    aria-keyshortcuts={list.is_inbox ? undefined : "Alt+ArrowUp Alt+ArrowDown"}
                    aria-describedby={list.is_inbox ? undefined : moveHint}
                    className="flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  >
                    {list.is_inbox ? null : (
                      <GripVertical
                        className={cn(
                          "-mr-1.5 -ml-1 size-3.5 shrink-0 cursor-grab touch-none text-muted-foreground",
                          // No hover on a phone: the drawer always shows where to hold.
                          dropTargets && "opacity-0 group-hover:opacity-100",
                        )}
                        data-testid="list-grip"
                        aria-hidden
                      />
                    )}
                    {list.is_inbox ? (
                      <Inbox className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                    ) : (
                      <span
                        className={cn("mx-0.5 size-2.5 shrink-0 rounded-full", COLOR_DOT[list.color])}
                        aria-hidden
                      />
                    )}
                    <span className="truncate">{list.name}</span>
                    <span className="ml-auto text-xs text-muted-foreground" data-testid="open-count">
                      {list.open_tasks}
                      <span className="sr-only"> open</span>
                    </span>
                  </Link>
                  {list.is_inbox ? null : (
                    <>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-7"
                        aria-label={`Edit list "${list.name}"`}
                        onClick={() => void startEditing(list)}
                      >
                        <Pencil aria-hidden />
                      </Button>
                      <ConfirmDelete
                        item={list}
                        triggerLabel={`Delete list "${list.name}"`}
                        title="Delete this list?"
                        confirmLabel="Delete list"
                        describe={(l) => (
                          <>
                            “{l.name}” and its {l.total_tasks === 1 ? "task" : `${l.total_tasks} tasks`} will go to the
                            trash. You can restore them from the trash for 30 days.
                          </>
                        )}
                        fetchLatest={() => fetchList(list.id)}
                        onFetchFailed={(e) => tellFailure("list", e, "delete")}
                        onConfirm={(l, etag) => void remove(l, etag)}
                      />
                    </>
                  )}
                </ListRow>
              )}
            </li>
          ))}
        </ul>
      </ListOrder>
      <ListForm idPrefix="new-list" submitLabel="Add list" onSubmit={create} />
      <section aria-labelledby="labels-heading" className="grid gap-2">
        <h2 id="labels-heading" className="px-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          Labels
        </h2>
        {labels.data && labels.data.length > 0 ? (
          <ul className="grid gap-1">
            {labels.data.map((label) => {
              const active = labelFilters.includes(label.id);
              if (editingLabel?.id === label.id)
                return (
                  <li key={label.id}>
                    <ListForm
                      key={editingLabel.generation}
                      idPrefix={`label-${label.id}`}
                      noun="label"
                      maxLength={LABEL_NAME_MAX}
                      initial={editingLabel.initial}
                      submitLabel="Save"
                      onSubmit={(value) => saveEdit("label", editingLabel, value, setEditingLabel)}
                      onCancel={() => setEditingLabel(null)}
                    />
                  </li>
                );
              return (
                <li key={label.id} className="group flex items-center gap-1 rounded-md pr-1 hover:bg-accent">
                  {/* Choosing a label adds it to the filter (tasks with all the chosen labels); again takes it out. */}
                  <Link
                    href={board.addressWith(
                      active ? labelFilters.filter((id) => id !== label.id) : [...labelFilters, label.id],
                    )}
                    aria-current={active ? "true" : undefined}
                    data-color={label.color}
                    onClick={onNavigate}
                    className={cn(
                      "flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring",
                      active && "bg-accent font-medium",
                    )}
                  >
                    <Tag className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
                    <span className={cn("size-2 shrink-0 rounded-full", COLOR_DOT[label.color])} aria-hidden />
                    <span className="truncate">{label.name}</span>
                  </Link>
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-7"
                    aria-label={`Edit label "${label.name}"`}
                    onClick={() => void startEditingLabel(label)}
                  >
                    <Pencil aria-hidden />
                  </Button>
                  <ConfirmDelete
                    item={label}
                    triggerLabel={`Delete label "${label.name}"`}
                    title="Delete this label?"
                    confirmLabel="Delete label"
                    describe={(l) => <>“{l.name}” will be taken off every task that has it; the tasks stay.</>}
                    fetchLatest={() => fetchLabel(label.id)}
                    onFetchFailed={(e) => tellFailure("label", e, "delete")}
                    onConfirm={(l, etag) => void removeLabel(l, etag)}
                  />
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="px-2 text-xs text-muted-foreground">No labels yet.</p>
        )}
        <ListForm
          idPrefix="new-label"
          noun="label"
          maxLength={LABEL_NAME_MAX}
          submitLabel="Add label"
          onSubmit={addLabel}
        />
      </section>
    </nav>
  );
}

/**
 * Today (with how many open tasks are due today or earlier) and Upcoming,
 * above the lists. Today's count is the Today view's own read, shared.
 */
function DateViewLinks({ board, onNavigate }: { board: TaskBoardState; onNavigate?: () => void }) {
  const today = useTaskList(board.userId, viewQuery("today"));
  const count = today.isSuccess ? `${today.tasks.length}${today.hasNextPage ? "+" : ""}` : null;
  const entries = [
    { view: "today", name: "Today", Icon: CalendarClock, count },
    { view: "upcoming", name: "Upcoming", Icon: CalendarDays, count: null },
  ] as const;
  const linkClass =
    "flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <ul className="grid gap-1" aria-label="Views">
      {entries.map(({ view, name, Icon, count }) => (
        <li key={view}>
          <Link
            href={`/dashboard?view=${view}`}
            aria-current={board.view === view ? "page" : undefined}
            onClick={onNavigate}
            data-testid={`view-${view}`}
            className={cn(linkClass, board.view === view && "bg-accent")}
          >
            <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
            <span className="truncate">{name}</span>
            {count !== null ? (
              <span className="ml-auto text-xs text-muted-foreground" data-testid="today-count">
                {count}
                <span className="sr-only"> due today or overdue</span>
              </span>
            ) : null}
          </Link>
        </li>
      ))}
      <li>
        <Link href="/trash" onClick={onNavigate} data-testid="view-trash" className={linkClass}>
          <Trash2 className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <span className="truncate">Trash</span>
        </Link>
      </li>
    </ul>
  );
}
