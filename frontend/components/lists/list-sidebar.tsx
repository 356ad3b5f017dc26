"use client";

import { useDndMonitor, useDroppable } from "@dnd-kit/core";
import { SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { GripVertical, Inbox, Pencil, Tag, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import * as React from "react";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/sonner";
import { useCreateLabel, useDeleteLabel, useUpdateLabel } from "@/hooks/use-labels";
import { useCreateList, useDeleteList, useMoveList, useUpdateList } from "@/hooks/use-lists";
import type { TaskBoardState } from "@/hooks/use-task-board";
import { schemaConstraints } from "@/lib/api/schema-constraints";
import { ApiError, type Color, type Label, type ListMove, type TaskList } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

import { COLOR_DOT } from "./list-colors";
import { ListForm } from "./list-form";

/** The draggable ids of the lists themselves (a list is dropped on another's `list:<id>` target). */
export const LIST_SORT = "sortlist:";

interface RowProps {
  list: TaskList;
  className: string;
  children: React.ReactNode;
}

/**
 * A list a dragged task can be dropped on (the id is the one
 * components/tasks/sortable-tasks.tsx looks for), and which can itself be
 * dragged (not the Inbox) by the pointer onto another list to take its place.
 * Only the pointer starts that drag: the keyboard way is Alt+↑/↓ on the link.
 */
function DropTarget({ list, className, children }: RowProps) {
  const { setNodeRef: attachDrop, isOver } = useDroppable({ id: `list:${list.id}` });
  const {
    setNodeRef: attachSort,
    listeners,
    isDragging,
    transform,
    transition,
  } = useSortable({ id: `${LIST_SORT}${list.id}`, disabled: list.is_inbox });
  const attach = React.useCallback(
    (node: HTMLElement | null) => {
      attachDrop(node);
      attachSort(node);
    },
    [attachDrop, attachSort],
  );
  return (
    <div
      ref={attach}
      style={{
        transform: transform ? `translate3d(0, ${Math.round(transform.y)}px, 0)` : undefined,
        transition,
      }}
      onPointerDown={
        list.is_inbox ? undefined : (listeners?.onPointerDown as React.PointerEventHandler<HTMLDivElement> | undefined)
      }
      className={cn(className, isOver && !isDragging && "ring-2 ring-ring", isDragging && "relative z-10 shadow-md")}
      data-drop-over={isOver}
      data-dragging={isDragging}
    >
      {children}
    </div>
  );
}

function Plain({ className, children }: RowProps) {
  return <div className={className}>{children}</div>;
}

/** Where a list goes when moved one step up or down, or onto another list; null if it cannot go there. */
function placement(lists: readonly TaskList[], id: string, target: number | string): ListMove | null {
  const from = lists.findIndex((l) => l.id === id);
  const to = typeof target === "number" ? from + target : lists.findIndex((l) => l.id === target);
  if (from < 0 || to < 0 || to >= lists.length || to === from) return null;
  const other = lists[to];
  if (!other) return null;
  // Nothing goes before the Inbox: onto it means first after it.
  if (other.is_inbox) return from === to + 1 ? null : { after: other.id };
  return to < from ? { before: other.id } : { after: other.id };
}

const LABEL_NAME_MAX = schemaConstraints.LabelInput.properties.name.maxLength;

const problemOf = (error: unknown) =>
  error instanceof ApiError ? (error.fieldErrors().name ?? error.message) : "Something went wrong. Please try again.";

/** Inbox and the user's lists with their open tasks; create, rename, recolour and delete them. */
export function ListSidebar({
  board,
  onNavigate,
  dropTargets = false,
}: {
  board: TaskBoardState;
  onNavigate?: () => void;
  /** Whether tasks can be dropped on the lists (the desktop sidebar, not the phone's drawer). */
  dropTargets?: boolean;
}) {
  const Row = dropTargets ? DropTarget : Plain;
  const { lists, currentList, userId } = board;
  const moveList = useMoveList(userId);
  const updateLabel = useUpdateLabel(userId);
  const deleteLabel = useDeleteLabel(userId);
  const [editingLabel, setEditingLabel] = React.useState<string | null>(null);
  const [announcement, setAnnouncement] = React.useState("");
  const router = useRouter();
  const createList = useCreateList(userId);
  const updateList = useUpdateList(userId);
  const deleteList = useDeleteList(userId);
  const [editing, setEditing] = React.useState<string | null>(null);
  const createLabel = useCreateLabel(userId);
  const { labels, labelFilter } = board;

  /** The address of the current list with the label filter set (or cleared). */
  function withLabel(labelId: string | null): string {
    const params = new URLSearchParams();
    if (currentList && !currentList.is_inbox) params.set("list", currentList.id);
    if (labelId) params.set("label", labelId);
    const query = params.toString();
    return query ? `/dashboard?${query}` : "/dashboard";
  }

  async function addLabel(value: { name: string; color: Color }) {
    try {
      await createLabel.mutateAsync(value);
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async function create(value: { name: string; color: Color }) {
    try {
      const created = await createList.mutateAsync(value);
      router.push(`/dashboard?list=${created.id}`);
      onNavigate?.();
      return null;
    } catch (e) {
      return problemOf(e);
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

  useDndMonitor({
    onDragEnd({ active, over }) {
      // The drawer's copy of the sidebar has no drag targets: only the desktop one answers.
      if (!dropTargets) return;
      const id = String(active.id);
      if (!id.startsWith(LIST_SORT) || !over) return;
      const overId = String(over.id);
      const target = overId.startsWith("list:")
        ? overId.slice("list:".length)
        : overId.startsWith(LIST_SORT)
          ? overId.slice(LIST_SORT.length)
          : null;
      const list = lists.data?.find((l) => l.id === id.slice(LIST_SORT.length));
      if (list && target) void move(list, target);
    },
  });

  function onListKeyDown(list: TaskList, event: React.KeyboardEvent) {
    if (!event.altKey || list.is_inbox || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    void move(list, event.key === "ArrowUp" ? -1 : 1);
  }

  async function saveLabel(label: Label, value: { name: string; color: Color }) {
    try {
      await updateLabel.mutateAsync({ id: label.id, patch: value });
      setEditingLabel(null);
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async function removeLabel(label: Label) {
    try {
      await deleteLabel.mutateAsync(label);
      toast("Label deleted", { description: `“${label.name}” is off every task that had it.` });
      if (labelFilter === label.id) router.push(withLabel(null));
    } catch (e) {
      toast.error("Could not delete the label", { description: problemOf(e) });
    }
  }

  async function save(list: TaskList, value: { name: string; color: Color }) {
    try {
      await updateList.mutateAsync({ id: list.id, patch: value });
      setEditing(null);
      return null;
    } catch (e) {
      return problemOf(e);
    }
  }

  async function remove(list: TaskList) {
    try {
      await deleteList.mutateAsync(list);
      toast("List deleted", { description: `“${list.name}” and its tasks are gone.` });
      if (currentList?.id === list.id) router.push("/dashboard");
    } catch (e) {
      toast.error("Could not delete the list", { description: problemOf(e) });
    }
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
      <p id="list-move-hint" className="sr-only">
        Alt with the up and down arrows moves the list.
      </p>
      <SortableContext
        items={(lists.data ?? []).map((l) => `${LIST_SORT}${l.id}`)}
        strategy={verticalListSortingStrategy}
      >
        <ul className="grid gap-1">
          {(lists.data ?? []).map((list) => (
            <li key={list.id}>
              {editing === list.id ? (
                <ListForm
                  idPrefix={`list-${list.id}`}
                  initial={{ name: list.name, color: list.color }}
                  submitLabel="Save"
                  onSubmit={(value) => save(list, value)}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <Row
                  list={list}
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
                    aria-describedby={list.is_inbox ? undefined : "list-move-hint"}
                    className="flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  >
                    {dropTargets && !list.is_inbox ? (
                      <GripVertical
                        className="-mr-1.5 -ml-1 size-3.5 shrink-0 cursor-grab text-muted-foreground opacity-0 group-hover:opacity-100"
                        aria-hidden
                      />
                    ) : null}
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
                        onClick={() => setEditing(list.id)}
                      >
                        <Pencil aria-hidden />
                      </Button>
                      <AlertDialog>
                        <AlertDialogTrigger asChild>
                          <Button
                            variant="ghost"
                            size="icon"
                            className="size-7"
                            aria-label={`Delete list "${list.name}"`}
                          >
                            <Trash2 aria-hidden />
                          </Button>
                        </AlertDialogTrigger>
                        <AlertDialogContent>
                          <AlertDialogHeader>
                            <AlertDialogTitle>Delete this list?</AlertDialogTitle>
                            <AlertDialogDescription>
                              “{list.name}” and its {list.total_tasks === 1 ? "task" : `${list.total_tasks} tasks`} will
                              be deleted for good. This cannot be undone.
                            </AlertDialogDescription>
                          </AlertDialogHeader>
                          <AlertDialogFooter>
                            <AlertDialogCancel>Keep it</AlertDialogCancel>
                            <AlertDialogAction variant="destructive" onClick={() => void remove(list)}>
                              Delete list
                            </AlertDialogAction>
                          </AlertDialogFooter>
                        </AlertDialogContent>
                      </AlertDialog>
                    </>
                  )}
                </Row>
              )}
            </li>
          ))}
        </ul>
      </SortableContext>
      <ListForm idPrefix="new-list" submitLabel="Add list" onSubmit={create} />
      <section aria-labelledby="labels-heading" className="grid gap-2">
        <h2 id="labels-heading" className="px-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          Labels
        </h2>
        {labels.data && labels.data.length > 0 ? (
          <ul className="grid gap-1">
            {labels.data.map((label) => {
              const active = labelFilter === label.id;
              if (editingLabel === label.id)
                return (
                  <li key={label.id}>
                    <ListForm
                      idPrefix={`label-${label.id}`}
                      noun="label"
                      maxLength={LABEL_NAME_MAX}
                      initial={{ name: label.name, color: label.color }}
                      submitLabel="Save"
                      onSubmit={(value) => saveLabel(label, value)}
                      onCancel={() => setEditingLabel(null)}
                    />
                  </li>
                );
              return (
                <li key={label.id} className="group flex items-center gap-1 rounded-md pr-1 hover:bg-accent">
                  <Link
                    href={withLabel(active ? null : label.id)}
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
                    onClick={() => setEditingLabel(label.id)}
                  >
                    <Pencil aria-hidden />
                  </Button>
                  <AlertDialog>
                    <AlertDialogTrigger asChild>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-7"
                        aria-label={`Delete label "${label.name}"`}
                      >
                        <Trash2 aria-hidden />
                      </Button>
                    </AlertDialogTrigger>
                    <AlertDialogContent>
                      <AlertDialogHeader>
                        <AlertDialogTitle>Delete this label?</AlertDialogTitle>
                        <AlertDialogDescription>
                          “{label.name}” will be taken off every task that has it; the tasks stay.
                        </AlertDialogDescription>
                      </AlertDialogHeader>
                      <AlertDialogFooter>
                        <AlertDialogCancel>Keep it</AlertDialogCancel>
                        <AlertDialogAction variant="destructive" onClick={() => void removeLabel(label)}>
                          Delete label
                        </AlertDialogAction>
                      </AlertDialogFooter>
                    </AlertDialogContent>
                  </AlertDialog>
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
