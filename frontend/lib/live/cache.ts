/**
 * Applies the API's change feed to this tab's TanStack Query cache.
 *
 * A change carries the entity's current JSON (as its own GET returns it) or
 * null for a deletion. It is shown at once where the cache holds the entity:
 * - a task is replaced in every cached page that lists it (and dropped from
 *   those it no longer belongs in, as far as its list, parent and status
 *   tell), a list or label in the cached lists or labels;
 * - a deleted one is taken out;
 * - a copy that is newer (`updated_at`) or identical is left alone: that is
 *   the tab's own change coming back, already shown from the API's answer,
 *   so it is not applied twice and reads nothing again.
 * What a single change cannot settle precisely, the place a task takes
 * under the chosen sort and filters, a new task, a parent's subtask counts,
 * the lists' task counts, is read again: the affected queries are
 * invalidated (only the ones on screen are read), once per burst of changes
 * (debounced), and never while one of the tab's own writes is under way.
 *
 * The task being edited is never taken out from under the editor: it is
 * updated in place (its form shows the new values in the fields not typed
 * in, see task-editor.tsx) and the lists are read again once the editor
 * closes. Its ETag stays the one the editor started from, so saving then is
 * the usual 412 ("changed elsewhere", the editor starts again from the
 * latest): a change made elsewhere is never overwritten unseen.
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";

import { labelKeys } from "@/hooks/use-labels";
import { preferenceKeys } from "@/hooks/use-preferences";
import { listKeys, taskKeys, trashKeys } from "@/hooks/use-tasks";
import type { Label, Task, TaskList, TaskPage, TaskQuery, TaskWithVersion } from "@/lib/tasks-api";

/** One entry of the change feed (`/changes` and the events' data). */
export interface Change {
  seq: number;
  entity: string;
  op: "upsert" | "delete";
  id: string;
  data: unknown;
}

/** A change from an event's data, or null when it is not one. */
export function parseChange(text: string): Change | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const c = value as Record<string, unknown>;
  if (typeof c.seq !== "number" || typeof c.entity !== "string" || typeof c.id !== "string") return null;
  if (c.op !== "upsert" && c.op !== "delete") return null;
  if (c.op === "upsert" && (!c.data || typeof c.data !== "object")) return null;
  return { seq: c.seq, entity: c.entity, op: c.op, id: c.id, data: c.op === "delete" ? null : c.data };
}

type TaskPages = InfiniteData<TaskPage, string | null>;
type Stale = "tasks" | "lists" | "labels";

export interface LiveCacheOptions {
  client: QueryClient;
  userId: string;
  /** The task whose editor is open, if any. */
  editingId?: () => string | null;
  /** The task being edited was deleted elsewhere. */
  onEditedTaskGone?: (id: string) => void;
  /** How long a burst of changes is collected before the affected queries are read again. */
  debounceMs?: number;
}

export class LiveCache {
  private readonly client: QueryClient;
  private readonly userId: string;
  private readonly options: LiveCacheOptions;
  private readonly debounceMs: number;
  private readonly stale = new Set<Stale>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: LiveCacheOptions) {
    this.client = options.client;
    this.userId = options.userId;
    this.options = options;
    this.debounceMs = options.debounceMs ?? 250;
  }

  apply(change: Change): void {
    const gone = change.op === "delete" || change.data === null;
    switch (change.entity) {
      case "task":
        if (gone) this.dropTask(change.id);
        else this.upsertTask(change.data as Task);
        break;
      case "list":
        if (gone) this.dropList(change.id);
        else this.upsertList(change.data as TaskList);
        break;
      case "label":
        if (gone) this.dropLabel(change.id);
        else this.upsertLabel(change.data as Label);
        break;
      case "preferences":
        // Another tab changed the time zone or week start: all-day tasks moved with the zone.
        void this.client.invalidateQueries({ queryKey: preferenceKeys.all(this.userId) });
        this.markStale("tasks");
        break;
      case "trash":
        // Something entered or left the trash (here or elsewhere, or the purge): the Trash page reads it again.
        void this.client.invalidateQueries({ queryKey: trashKeys.all(this.userId) });
        break;
      default:
        // completion: its task's own change (logged with it) says what the lists show.
        break;
    }
  }

  /** Everything read again (the API could not replay what was missed); resolves once the shown data is back. */
  async reloadEverything(): Promise<void> {
    this.stale.clear();
    await this.client.invalidateQueries();
  }

  /**
   * After a connection without a position (live from the API's position
   * then): what was read before it was asked for may miss a change made in
   * between, so it is read again. (Reads that were under way as it started
   * are not: on a page's first load they run side by side with it.)
   */
  catchUp(sentAt: number): void {
    void this.client.invalidateQueries({
      predicate: (q) => q.state.dataUpdatedAt > 0 && q.state.dataUpdatedAt < sentAt,
    });
  }

  /** Reads the stale queries now (e.g. once the editor closes). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stale.size === 0) return;
    if (this.client.isMutating() > 0) {
      // The tab's own write answers first (and updates the cache itself).
      this.schedule();
      return;
    }
    const editing = this.options.editingId?.() ?? null;
    for (const what of [...this.stale]) {
      // A read could take the edited task out from under its editor: wait until it closes.
      if (what === "tasks" && editing) continue;
      this.stale.delete(what);
      const queryKey =
        what === "tasks"
          ? taskKeys.lists(this.userId)
          : what === "lists"
            ? listKeys.all(this.userId)
            : labelKeys.all(this.userId);
      void this.client.invalidateQueries({ queryKey });
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stale.clear();
  }

  private markStale(...what: Stale[]): void {
    for (const w of what) this.stale.add(w);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private listQueries(): Array<[readonly unknown[], TaskPages]> {
    return this.client
      .getQueriesData<TaskPages>({ queryKey: taskKeys.lists(this.userId) })
      .filter((entry): entry is [readonly unknown[], TaskPages] => !!entry[1]);
  }

  /** Every cached copy of a task: its detail and each list page that has it. */
  private cachedTasks(id: string): Task[] {
    const copies: Task[] = [];
    const detail = this.client.getQueryData<TaskWithVersion>(taskKeys.detail(this.userId, id));
    if (detail) copies.push(detail.task);
    for (const [, data] of this.listQueries()) {
      for (const page of data.pages) for (const t of page.tasks) if (t.id === id) copies.push(t);
    }
    return copies;
  }

  private upsertTask(task: Task): void {
    const copies = this.cachedTasks(task.id);
    if (isStaleOrSame(task, copies)) return;
    const editing = this.options.editingId?.() === task.id;
    const detailKey = taskKeys.detail(this.userId, task.id);
    const detail = this.client.getQueryData<TaskWithVersion>(detailKey);
    // The ETag stays the one read with the older copy: a save from an editor opened before this change is
    // refused (412) and the editor starts again from the latest, never overwriting the change unseen.
    if (detail) this.client.setQueryData<TaskWithVersion>(detailKey, { ...detail, task });
    for (const [key, data] of this.listQueries()) {
      const query = (key[3] ?? {}) as TaskQuery;
      if (!data.pages.some((p) => p.tasks.some((t) => t.id === task.id))) continue;
      const keep = editing || belongsIn(task, query);
      this.client.setQueryData<TaskPages>(key, {
        ...data,
        pages: data.pages.map((page) => ({
          ...page,
          tasks: keep
            ? page.tasks.map((t) => (t.id === task.id ? task : t))
            : page.tasks.filter((t) => t.id !== task.id),
        })),
      });
    }
    // Where it now sorts, whether it joins a list on screen, its parent's counts, the lists' counts.
    this.markStale("tasks", "lists");
  }

  private dropTask(id: string): void {
    const copies = this.cachedTasks(id);
    if (copies.length > 0 && this.options.editingId?.() === id) this.options.onEditedTaskGone?.(id);
    this.client.removeQueries({ queryKey: taskKeys.detail(this.userId, id) });
    for (const [key, data] of this.listQueries()) {
      if (!data.pages.some((p) => p.tasks.some((t) => t.id === id))) continue;
      this.client.setQueryData<TaskPages>(key, {
        ...data,
        pages: data.pages.map((page) => ({ ...page, tasks: page.tasks.filter((t) => t.id !== id) })),
      });
    }
    // Counts: the list's always; a parent's when it was in a tree (or unknown here).
    const inTree = copies.length === 0 || copies.some((t) => t.parent_id !== null || t.subtasks.total > 0);
    if (inTree) this.markStale("tasks", "lists");
    else this.markStale("lists");
  }

  private upsertList(list: TaskList): void {
    const key = listKeys.all(this.userId);
    const lists = this.client.getQueryData<TaskList[]>(key);
    if (!lists) return; // not read yet: it will be read as it is now
    const cached = lists.find((l) => l.id === list.id);
    if (cached && isStaleOrSame(list, [cached])) return;
    const next = cached ? lists.map((l) => (l.id === list.id ? list : l)) : [...lists, list];
    this.client.setQueryData<TaskList[]>(key, sortLists(next));
  }

  private dropList(id: string): void {
    const key = listKeys.all(this.userId);
    const lists = this.client.getQueryData<TaskList[]>(key);
    if (lists?.some((l) => l.id === id)) {
      this.client.setQueryData<TaskList[]>(
        key,
        lists.filter((l) => l.id !== id),
      );
    }
    // Its tasks went with it.
    this.markStale("tasks");
  }

  private upsertLabel(label: Label): void {
    const key = labelKeys.all(this.userId);
    const labels = this.client.getQueryData<Label[]>(key);
    if (!labels) return;
    const cached = labels.find((l) => l.id === label.id);
    if (cached && isStaleOrSame(label, [cached])) return;
    if (cached) {
      this.client.setQueryData<Label[]>(
        key,
        labels.map((l) => (l.id === label.id ? label : l)),
      );
    } else {
      this.client.setQueryData<Label[]>(key, [...labels, label]);
      // Shown at once; its place in the API's order comes with the next read.
      this.markStale("labels");
    }
  }

  private dropLabel(id: string): void {
    const key = labelKeys.all(this.userId);
    const labels = this.client.getQueryData<Label[]>(key);
    if (labels?.some((l) => l.id === id)) {
      this.client.setQueryData<Label[]>(
        key,
        labels.filter((l) => l.id !== id),
      );
    }
    // The tasks that carried it come as changes of their own.
  }
}

/** Does the task belong in a list read with this query, as far as its list, parent, status and due date tell? */
export function belongsIn(task: Task, query: TaskQuery): boolean {
  return belongsInView(task, query) && belongsInList(task, query);
}

/**
 * The date views hold open tasks only, with a due date (or, for `no_date`,
 * without). Which day a due date falls on is the API's to say (in the
 * user's zone): the views are read again after every change.
 */
export function belongsInView(task: Pick<Task, "completed" | "due_at">, query: TaskQuery): boolean {
  if (!query.view) return true;
  if (task.completed) return false;
  return query.view === "no_date" ? task.due_at === null : task.due_at !== null;
}

/** Does the task belong in a list read with this query, as far as its list, parent and status tell? */
export function belongsInList(task: Task, query: TaskQuery): boolean {
  if (query.list_id && task.list_id !== query.list_id) return false;
  if (query.parent_id === "none" && task.parent_id !== null) return false;
  if (query.parent_id && query.parent_id !== "none" && task.parent_id !== query.parent_id) return false;
  if (query.status === "pending") return task.completed === false;
  if (query.status === "completed") return task.completed === true;
  return true;
}

/**
 * Whether a cached copy makes the incoming one pointless: one is newer, or
 * every copy is identical (the tab's own change, already shown).
 */
export function isStaleOrSame<T extends { updated_at: string }>(incoming: T, copies: readonly T[]): boolean {
  if (copies.length === 0) return false;
  if (copies.some((c) => compareTimestamps(c.updated_at, incoming.updated_at) > 0)) return true;
  return copies.every((c) => deepEqual(c, incoming));
}

/**
 * Orders two RFC 3339 timestamps to the microsecond and beyond (Date keeps
 * only milliseconds, and the fraction's length varies).
 */
export function compareTimestamps(a: string, b: string): number {
  const ka = timestampKey(a);
  const kb = timestampKey(b);
  if (ka === null || kb === null) return Date.parse(a) - Date.parse(b) || 0;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function timestampKey(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$/i.exec(value);
  if (!match) return null;
  return `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The Inbox first, then the manual order (positions compare as byte strings). */
function sortLists(lists: TaskList[]): TaskList[] {
  return [...lists].sort((a, b) =>
    a.is_inbox !== b.is_inbox ? (a.is_inbox ? -1 : 1) : a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
  );
}
