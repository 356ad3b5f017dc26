"use client";

/**
 * The keyboard's selection: which task row the shortcuts act on (x, e, t…).
 * One per tab, kept outside React's tree because the shortcuts live in the
 * top bar (components/shortcuts/app-shortcuts.tsx) and the rows on the
 * dashboard. A row is any element with `data-task-id` (components/tasks/
 * task-item.tsx); j / k move through the rows shown, in document order
 * (subtasks under their parents, Upcoming's days one after another), and the
 * row chosen takes the focus, so a screen reader says which task it is.
 * Focus moved into a row by other means (a click, Tab) selects it too.
 *
 * The dashboard lends its actions (complete, edit, move to a day…) through
 * useTaskShortcutTarget while it is on screen; elsewhere the task keys are
 * not live.
 */
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import * as React from "react";

import type { TaskBoardState } from "@/hooks/use-task-board";
import type { Task, TaskPage } from "@/lib/tasks-api";
import { addDays, todayIn } from "@/lib/zoned-date";

import { taskKeys } from "./use-tasks";

const ROW = "[data-task-id]";

type Listener = () => void;

function createStore<T>(initial: T) {
  let value = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => value,
    set(next: T) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener: Listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const selection = createStore<string | null>(null);
/** Where the selected row was among the rows: j / k go on from there when it is gone (completed, deleted). */
let lastIndex = -1;

/** Selects a task by id (null: none). */
export function selectTask(id: string | null): void {
  if (id === null) lastIndex = -1;
  selection.set(id);
}

export function selectedTaskId(): string | null {
  return selection.get();
}

export function useSelectedTaskId(): string | null {
  return React.useSyncExternalStore(selection.subscribe, selection.get, () => null);
}

/** Whether this task's row is the selected one (for its highlight). */
export function useIsTaskSelected(id: string): boolean {
  return React.useSyncExternalStore(
    selection.subscribe,
    () => selection.get() === id,
    () => false,
  );
}

/** The task rows shown, in document order (rows inside something hidden left out). */
export function visibleTaskRows(root: ParentNode = document): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(ROW)).filter((row) => row.getClientRects().length > 0);
}

/** The selected task's row, when it is shown. */
export function selectedTaskRow(): HTMLElement | null {
  const id = selection.get();
  if (!id) return null;
  return visibleTaskRows().find((row) => row.dataset.taskId === id) ?? null;
}

/** Focuses a row and brings it into view (just enough: no jump when it already shows). */
function reveal(row: HTMLElement): void {
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest", inline: "nearest" });
}

/**
 * Moves the selection one row down (1) or up (-1) and focuses it. With none
 * selected, j takes the first row and k the last; when the selected row has
 * gone, the row now in its place (j) or the one above it (k).
 */
export function moveSelection(step: 1 | -1): HTMLElement | null {
  const rows = visibleTaskRows();
  if (rows.length === 0) return null;
  const current = selection.get();
  const at = current === null ? -1 : rows.findIndex((row) => row.dataset.taskId === current);
  let next: number;
  if (at >= 0) next = at + step;
  else if (current !== null && lastIndex >= 0) next = step > 0 ? lastIndex : lastIndex - 1;
  else next = step > 0 ? 0 : rows.length - 1;
  next = Math.min(rows.length - 1, Math.max(0, next));
  const row = rows[next]!;
  lastIndex = next;
  selection.set(row.dataset.taskId ?? null);
  reveal(row);
  return row;
}

/** Focus moved into a task row (a click, Tab, a row taking the focus back after a move) selects it. */
export function useSelectionFollowsFocus(): void {
  React.useEffect(() => {
    function onFocusIn(event: FocusEvent) {
      const target = event.target;
      if (!(target instanceof Element)) return;
      const row = target.closest<HTMLElement>(ROW);
      const id = row?.dataset.taskId;
      if (!row || !id) return;
      lastIndex = visibleTaskRows().indexOf(row);
      selection.set(id);
    }
    document.addEventListener("focusin", onFocusIn);
    return () => document.removeEventListener("focusin", onFocusIn);
  }, []);
}

/** What the task keys do, lent by the dashboard while it is shown. */
export interface TaskShortcutTarget {
  /** The task with this id as the board shows it (any list, subtask or date view read), if any. */
  find(id: string): Task | undefined;
  /** A change to it is under way (its controls are disabled): the keys leave it alone. */
  busy(id: string): boolean;
  /** Enter and e: the task's editor (the board's edit in place). */
  edit(task: Task): void;
  /** x: what its checkbox does, a repeating task's next date and Undo included. */
  toggle(task: Task): void;
  /** t and T: due today or tomorrow (a date only stays a date, a time of day stays). */
  dueIn(task: Task, days: number): void;
}

const targetStore = createStore<TaskShortcutTarget | null>(null);

/** The dashboard's task actions while it is on screen, else null. */
export function useTaskShortcutTargetValue(): TaskShortcutTarget | null {
  return React.useSyncExternalStore(targetStore.subscribe, targetStore.get, () => null);
}

type TaskPages = InfiniteData<TaskPage, string | null>;

/** Lends the board's actions to the keyboard shortcuts while the board is mounted. */
export function useTaskShortcutTarget(board: TaskBoardState): void {
  const client = useQueryClient();
  const latest = React.useRef(board);
  React.useLayoutEffect(() => {
    latest.current = board;
  });
  const { userId } = board;
  React.useEffect(() => {
    const target: TaskShortcutTarget = {
      find(id) {
        for (const [, data] of client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })) {
          for (const page of data?.pages ?? []) {
            const task = page.tasks.find((t) => t.id === id);
            if (task) return task;
          }
        }
        return undefined;
      },
      busy: (id) => latest.current.busyIds.has(id),
      edit: (task) => void latest.current.startEditing(task),
      toggle: (task) => void latest.current.toggle(task),
      dueIn: (task, days) => {
        const board = latest.current;
        void board.moveToDate(task, addDays(todayIn(board.zone), days));
      },
    };
    targetStore.set(target);
    return () => {
      if (targetStore.get() === target) targetStore.set(null);
      selectTask(null);
      clearChosen();
    };
  }, [client, userId]);
}

/*
 * Multi-select (issue 12): the tasks chosen for a bulk action, beside the
 * keyboard's single selection above (which stays the cursor). Checkbox mode
 * shows a "Select" checkbox on every row; Shift+click chooses the rows from
 * the anchor (the row last chosen or selected) to the one clicked, and
 * Shift+j / Shift+k extend the choice from the anchor one row at a time,
 * moving the cursor (the choice shrinks again when the cursor comes back).
 */

const chosenStore = createStore<ReadonlySet<string>>(new Set());
const checkModeStore = createStore<boolean>(false);
/** Where a range starts, and what was chosen before the range (a range is added to it). */
let anchor: string | null = null;
let base: ReadonlySet<string> = new Set();
/** The cursor's row when the range was last extended: Shift+j / Shift+k go on from there. */
let rangeEnd: string | null = null;

/** The ids from `from` to `to` (either way round) in the rows' order; [] when either is not shown. */
export function rangeIds(order: readonly string[], from: string, to: string): string[] {
  const a = order.indexOf(from);
  const b = order.indexOf(to);
  if (a < 0 || b < 0) return [];
  return order.slice(Math.min(a, b), Math.max(a, b) + 1);
}

/** What a range adds to the choice made before it. */
export function withRange(
  before: ReadonlySet<string>,
  order: readonly string[],
  from: string,
  to: string,
): ReadonlySet<string> {
  return new Set([...before, ...rangeIds(order, from, to)]);
}

export function useChosenTaskIds(): ReadonlySet<string> {
  return React.useSyncExternalStore(chosenStore.subscribe, chosenStore.get, () => EMPTY);
}
const EMPTY: ReadonlySet<string> = new Set();

export function chosenTaskIds(): ReadonlySet<string> {
  return chosenStore.get();
}

export function useIsTaskChosen(id: string): boolean {
  return React.useSyncExternalStore(
    chosenStore.subscribe,
    () => chosenStore.get().has(id),
    () => false,
  );
}

export function useCheckMode(): boolean {
  return React.useSyncExternalStore(checkModeStore.subscribe, checkModeStore.get, () => false);
}

export function setCheckMode(on: boolean): void {
  checkModeStore.set(on);
  if (!on) clearChosen();
}

/** Chooses or unchooses one task (its Select checkbox); it becomes the anchor of the next range. */
export function toggleChosen(id: string): void {
  const next = new Set(chosenStore.get());
  if (next.has(id)) next.delete(id);
  else next.add(id);
  anchor = rangeEnd = id;
  base = next;
  chosenStore.set(next);
}

/** Shift+click: the rows from the anchor (or the keyboard's selection) to this one join the choice. */
export function chooseRangeTo(id: string): void {
  const order = visibleTaskRows().map((row) => row.dataset.taskId ?? "");
  const from = anchor && order.includes(anchor) ? anchor : (selection.get() ?? id);
  if (anchor !== from) {
    anchor = from;
    base = chosenStore.get();
  }
  checkModeStore.set(true);
  chosenStore.set(withRange(base, order, from, id));
  rangeEnd = id;
  selection.set(id);
}

/** Shift+j / Shift+k: the cursor moves one row and the choice runs from the anchor to it. */
export function extendChoice(step: 1 | -1): void {
  const cursor = selection.get();
  const shown = () => visibleTaskRows().map((r) => r.dataset.taskId ?? "");
  const ids = shown();
  if (!anchor || cursor !== rangeEnd || !ids.includes(anchor)) {
    // A new range: from the row selected, or (none) from the row j / k would take.
    base = chosenStore.get();
    checkModeStore.set(true);
    if (cursor && ids.includes(cursor)) {
      anchor = cursor;
    } else {
      const row = moveSelection(step);
      anchor = rangeEnd = row?.dataset.taskId ?? null;
      if (anchor) chosenStore.set(new Set([...base, anchor]));
      return;
    }
  }
  const to = moveSelection(step)?.dataset.taskId;
  if (!to) return;
  rangeEnd = to;
  chosenStore.set(withRange(base, shown(), anchor, to));
}

/** Nothing chosen any more (after a bulk action, Esc, leaving checkbox mode). */
export function clearChosen(): void {
  anchor = rangeEnd = null;
  base = new Set();
  chosenStore.set(new Set());
}
