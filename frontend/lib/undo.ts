/**
 * What takes a change back (the "Undo" of the toasts): the inverse of a move
 * and of each bulk action, computed from the tasks as they were before it.
 *
 * A move is taken back by place, not by index: positions are fractional
 * indexes (a task's `position` sorts among its siblings' as strings) and a
 * move never changes the other tasks' positions, so the task's old place is
 * right after the last of its old siblings whose position is below its own
 * (or before the first of them, or alone at its old level).
 */
import type { BatchOperation, Task, TaskMove } from "./tasks-api";

/** The bulk actions of the selection bar. */
export type BulkAction =
  | { kind: "complete" }
  | { kind: "move"; listId: string }
  | { kind: "label"; labelId: string }
  | { kind: "due"; dueAt: string; allDay: boolean }
  | { kind: "delete" };

/** Position order, as the API keeps it (byte order of the fractional index). */
const byPosition = (a: Pick<Task, "position">, b: Pick<Task, "position">) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : 0;

/** Where a task goes back to: its list and parent, next to the sibling that was before (or after) it. */
export function moveBackTarget(original: Task, siblingsNow: readonly Task[]): TaskMove {
  return moveBackTargets([original], siblingsNow).get(original.id)!;
}

/**
 * The places several tasks of one level (same list and parent before the
 * change) go back to, to be applied in ascending order of their old positions
 * (as the returned Map iterates): each goes right after the last task below
 * it, counting those put back before it, so neighbours that were moved
 * together end up together again.
 */
export function moveBackTargets(originals: readonly Task[], siblingsNow: readonly Task[]): Map<string, TaskMove> {
  const moving = new Set(originals.map((t) => t.id));
  const placed: Pick<Task, "id" | "position">[] = siblingsNow.filter((t) => !moving.has(t.id));
  const out = new Map<string, TaskMove>();
  for (const task of [...originals].sort(byPosition)) {
    const level = { list_id: task.list_id, parent_id: task.parent_id };
    const sorted = [...placed].sort(byPosition);
    const below = sorted.filter((t) => t.position < task.position).at(-1);
    const above = sorted.find((t) => t.position > task.position);
    out.set(task.id, below ? { ...level, after: below.id } : above ? { ...level, before: above.id } : level);
    placed.push(task);
  }
  return out;
}

/** The tasks whose parent (or a parent of it…) is not among them: a parent's change takes its subtasks along. */
export function withoutDescendants(
  tasks: readonly Task[],
  parentOf: (id: string) => string | null | undefined,
): Task[] {
  const chosen = new Set(tasks.map((t) => t.id));
  return tasks.filter((task) => {
    const seen = new Set<string>();
    let parent = task.parent_id;
    while (parent && !seen.has(parent)) {
      if (chosen.has(parent)) return false;
      seen.add(parent);
      parent = parentOf(parent) ?? null;
    }
    return true;
  });
}

/**
 * The operations of a bulk action on the chosen tasks (already without the
 * descendants of chosen parents for a move or a delete), and only those that
 * change something (a completed task is not completed again, a label not
 * added twice).
 */
export function bulkOperations(action: BulkAction, tasks: readonly Task[]): BatchOperation[] {
  switch (action.kind) {
    case "complete":
      return tasks.filter((t) => !t.completed).map((t) => ({ op: "complete", id: t.id }));
    case "move":
      return tasks
        .filter((t) => t.list_id !== action.listId)
        .map((t) => ({ op: "move", id: t.id, list_id: action.listId, parent_id: null }));
    case "label":
      return tasks
        .filter((t) => !t.labels.includes(action.labelId))
        .map((t) => ({ op: "update", id: t.id, labels: [...t.labels, action.labelId] }));
    case "due":
      return tasks.map((t) => ({ op: "update", id: t.id, due_at: action.dueAt, due_all_day: action.allDay }));
    case "delete":
      return tasks.map((t) => ({ op: "delete", id: t.id }));
  }
}

/**
 * The batch that takes a bulk action back, from the tasks as they were
 * before it (`before`, the ones the action changed). A move needs the old
 * siblings as they are now, per old level (`siblingsAt`), to find each
 * task's old place.
 */
export function inverseOperations(
  action: BulkAction,
  before: readonly Task[],
  siblingsAt: (listId: string, parentId: string | null) => readonly Task[] = () => [],
): BatchOperation[] {
  switch (action.kind) {
    case "complete":
      // Reopen: a repeating task gets its previous due date back, as a single undo does.
      return before.map((t) => ({ op: "reopen", id: t.id }));
    case "label":
      return before.map((t) => ({ op: "update", id: t.id, labels: [...t.labels] }));
    case "due":
      return before.map((t) => ({ op: "update", id: t.id, due_at: t.due_at, due_all_day: t.due_all_day }));
    case "delete":
      return before.map((t) => ({ op: "restore", id: t.id }));
    case "move": {
      const levels = new Map<string, Task[]>();
      for (const task of before) {
        const key = `${task.list_id}/${task.parent_id ?? ""}`;
        levels.set(key, [...(levels.get(key) ?? []), task]);
      }
      const ops: BatchOperation[] = [];
      for (const tasks of levels.values()) {
        const first = tasks[0]!;
        for (const [id, to] of moveBackTargets(tasks, siblingsAt(first.list_id, first.parent_id))) {
          ops.push({ op: "move", id, ...to });
        }
      }
      return ops;
    }
  }
}
