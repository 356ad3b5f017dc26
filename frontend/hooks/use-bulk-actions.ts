"use client";

/**
 * The selection bar's actions: each is one `POST /tasks/batch` (all or
 * nothing), then a toast whose Undo sends the inverse batch (lib/undo.ts).
 * The tasks are the board's cached copies of the chosen rows, as they were
 * just before the action: what Undo puts back.
 */
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import * as React from "react";

import { toast } from "@/components/ui/sonner";
import { openDescendants, readLevel, UNDO_MS, UNDO_TOAST, type TaskBoardState } from "@/hooks/use-task-board";
import { clearChosen, chosenTaskIds } from "@/hooks/use-task-selection";
import { ApiError, type Task, type TaskPage } from "@/lib/tasks-api";
import { bulkOperations, inverseOperations, withoutDescendants, type BulkAction } from "@/lib/undo";

import { taskKeys } from "./use-tasks";

type TaskPages = InfiniteData<TaskPage, string | null>;

const tasksWord = (n: number) => (n === 1 ? "1 task" : `${n} tasks`);

/** What the toast says an action did. */
function done(action: BulkAction, n: number, names: { list?: string; label?: string }): string {
  switch (action.kind) {
    case "complete":
      return `Completed ${tasksWord(n)}`;
    case "move":
      return `Moved ${tasksWord(n)} to ${names.list ?? "another list"}`;
    case "label":
      return `Labelled ${tasksWord(n)} “${names.label ?? "label"}”`;
    case "due":
      return `Changed the due date of ${tasksWord(n)}`;
    case "delete":
      return `Deleted ${tasksWord(n)}`;
  }
}

const FAILED: Record<BulkAction["kind"], string> = {
  complete: "complete the tasks",
  move: "move the tasks",
  label: "label the tasks",
  due: "change the due dates",
  delete: "delete the tasks",
};

/** A failed batch's reasons, one line per failing operation (the API names each by index). */
export function batchFailure(error: ApiError, tasks: readonly Pick<Task, "title">[]): string {
  const lines = (error.problem?.errors ?? []).map((e) => {
    const index = /^\/operations\/(\d+)/.exec(e.field)?.[1];
    const task = index !== undefined ? tasks[Number(index)] : undefined;
    return task ? `“${task.title}”: ${e.message}` : e.message;
  });
  return lines.length > 0 ? lines.join(" ") : error.message;
}

export function useBulkActions(board: TaskBoardState) {
  const client = useQueryClient();
  const { userId, api } = board;
  const [running, setRunning] = React.useState(false);

  const cached = React.useCallback(
    (id: string): Task | undefined => {
      for (const [, data] of client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })) {
        for (const page of data?.pages ?? []) {
          const task = page.tasks.find((t) => t.id === id);
          if (task) return task;
        }
      }
      return undefined;
    },
    [client, userId],
  );

  function failed(e: unknown, tasks: readonly Task[], what: string) {
    const error = e instanceof ApiError ? e : new ApiError("unexpected", "Something went wrong. Please try again.");
    if (board.handleCommon(error)) return;
    toast.error(`Could not ${what}`, { description: batchFailure(error, tasks) });
  }

  async function undo(action: BulkAction, before: readonly Task[]) {
    try {
      const levels = new Map<string, Task[]>();
      if (action.kind === "move") {
        for (const t of before) {
          const key = `${t.list_id}/${t.parent_id ?? ""}`;
          if (!levels.has(key)) levels.set(key, await readLevel(api, t.list_id, t.parent_id));
        }
      }
      const ops = inverseOperations(action, before, (list, parent) => levels.get(`${list}/${parent ?? ""}`) ?? []);
      await board.batch.mutateAsync(ops);
      board.worked();
      toast(`Undone: ${done(action, before.length, {}).toLowerCase()}`);
    } catch (e) {
      failed(e, before, "undo");
    }
  }

  async function run(action: BulkAction, names: { list?: string; label?: string } = {}): Promise<boolean> {
    const chosen = [...chosenTaskIds()].flatMap((id) => cached(id) ?? []);
    // A parent moved or deleted takes its subtasks along: they are not sent on their own.
    const targets =
      action.kind === "move" || action.kind === "delete"
        ? withoutDescendants(chosen, (id) => cached(id)?.parent_id)
        : chosen;
    const ops = bulkOperations(action, targets);
    if (ops.length === 0) {
      toast("Nothing to change", { description: "The chosen tasks are like that already." });
      return false;
    }
    const changed = new Set(ops.map((op) => op.id));
    let before = targets.filter((t) => changed.has(t.id));
    setRunning(true);
    try {
      if (action.kind === "complete") {
        // Completing a parent completes its open subtasks too; Undo reopens them as well.
        const parents = before.filter((t) => !t.recurrence && t.subtasks.total > 0);
        const below = (await Promise.all(parents.map((p) => openDescendants(api, p)))).flat();
        before = [...before, ...below.filter((t) => !changed.has(t.id))];
      }
      await board.batch.mutateAsync(ops);
      board.worked();
      clearChosen();
      const said = done(action, ops.length, names);
      toast(said, {
        id: UNDO_TOAST,
        action: { label: "Undo", onClick: () => void undo(action, before) },
        duration: UNDO_MS,
      });
      return true;
    } catch (e) {
      failed(
        e,
        targets.filter((t) => changed.has(t.id)),
        FAILED[action.kind],
      );
      return false;
    } finally {
      setRunning(false);
    }
  }

  return { run, running };
}
