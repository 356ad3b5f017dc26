"use client";

import { useDroppable } from "@dnd-kit/core";
import { Inbox, Pencil, Tag, Trash2 } from "lucide-react";
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
import { useCreateLabel } from "@/hooks/use-labels";
import { useCreateList, useDeleteList, useUpdateList } from "@/hooks/use-lists";
import type { TaskBoardState } from "@/hooks/use-task-board";
import { schemaConstraints } from "@/lib/api/schema-constraints";
import { ApiError, type Color, type TaskList } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

import { COLOR_DOT } from "./list-colors";
import { ListForm } from "./list-form";

/** A list a dragged task can be dropped on (the id is the one components/tasks/sortable-tasks.tsx looks for). */
function DropTarget({ listId, className, children }: { listId: string; className: string; children: React.ReactNode }) {
  const { setNodeRef: attach, isOver } = useDroppable({ id: `list:${listId}` });
  return (
    <div ref={attach} className={cn(className, isOver && "ring-2 ring-ring")} data-drop-over={isOver}>
      {children}
    </div>
  );
}

function Plain({ className, children }: { listId: string; className: string; children: React.ReactNode }) {
  return <div className={className}>{children}</div>;
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
                listId={list.id}
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
                  className="flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
                >
                  {list.is_inbox ? (
                    <Inbox className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                  ) : (
                    <span className={cn("mx-0.5 size-2.5 shrink-0 rounded-full", COLOR_DOT[list.color])} aria-hidden />
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
      <ListForm idPrefix="new-list" submitLabel="Add list" onSubmit={create} />
      <section aria-labelledby="labels-heading" className="grid gap-2">
        <h2 id="labels-heading" className="px-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          Labels
        </h2>
        {labels.data && labels.data.length > 0 ? (
          <ul className="grid gap-1">
            {labels.data.map((label) => {
              const active = labelFilter === label.id;
              return (
                <li key={label.id}>
                  <Link
                    href={withLabel(active ? null : label.id)}
                    aria-current={active ? "true" : undefined}
                    onClick={onNavigate}
                    className={cn(
                      "flex items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring",
                      active && "bg-accent font-medium",
                    )}
                  >
                    <Tag className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
                    <span className={cn("size-2 shrink-0 rounded-full", COLOR_DOT[label.color])} aria-hidden />
                    <span className="truncate">{label.name}</span>
                  </Link>
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
