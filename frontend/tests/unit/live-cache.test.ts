import { QueryClient, type InfiniteData } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";

import { labelKeys } from "@/hooks/use-labels";
import { listKeys, taskKeys, trashKeys } from "@/hooks/use-tasks";
import { LiveCache, compareTimestamps, parseChange, type Change } from "@/lib/live/cache";
import type { Label, Task, TaskList, TaskPage, TaskQuery, TaskWithVersion } from "@/lib/tasks-api";

const USER = "0b4c2f62-9a3e-4d5c-8f1e-2a6b7c8d9e0f";
const INBOX = "11111111-1111-4111-8111-111111111111";
const WORK = "22222222-2222-4222-8222-222222222222";

function task(id: string, patch: Partial<Task> = {}): Task {
  return {
    id,
    user_id: USER,
    title: `Task ${id}`,
    description: null,
    completed: false,
    priority: "medium",
    due_at: null,
    due_all_day: false,
    recurrence: null,
    recurrence_basis: "due",
    next_due_at: null,
    labels: [],
    list_id: INBOX,
    parent_id: null,
    position: "a",
    subtasks: { total: 0, completed: 0 },
    created_at: "2026-12-07T10:00:00Z",
    updated_at: "2026-12-07T10:00:00.100000Z",
    ...patch,
  } as Task;
}

function list(id: string, patch: Partial<TaskList> = {}): TaskList {
  return {
    id,
    user_id: USER,
    name: `List ${id}`,
    color: "blue",
    is_inbox: false,
    position: "m",
    open_tasks: 0,
    total_tasks: 0,
    created_at: "2026-12-07T10:00:00Z",
    updated_at: "2026-12-07T10:00:00Z",
    ...patch,
  } as TaskList;
}

function label(id: string, patch: Partial<Label> = {}): Label {
  return {
    id,
    user_id: USER,
    name: `Label ${id}`,
    color: "red",
    created_at: "2026-12-07T10:00:00Z",
    updated_at: "2026-12-07T10:00:00Z",
    ...patch,
  } as Label;
}

const upsert = <T extends { id: string }>(entity: string, data: T, seq = 1): Change => ({
  seq,
  entity,
  op: "upsert",
  id: data.id,
  data,
});
const remove = (entity: string, id: string, seq = 1): Change => ({ seq, entity, op: "delete", id, data: null });

const pendingInbox: TaskQuery = { parent_id: "none", status: "pending", list_id: INBOX, sort: "position", limit: 20 };

function pages(...tasks: Task[]): InfiniteData<TaskPage, string | null> {
  return { pages: [{ tasks, nextCursor: null }], pageParams: [null] };
}

function setup(options: { editingId?: string | null } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const onEditedTaskGone = vi.fn();
  const cache = new LiveCache({
    client,
    userId: USER,
    editingId: () => options.editingId ?? null,
    onEditedTaskGone,
    debounceMs: 10,
  });
  caches.push(cache);
  const invalidate = vi.spyOn(client, "invalidateQueries");
  const listed = (query = pendingInbox) =>
    client
      .getQueryData<InfiniteData<TaskPage, string | null>>(taskKeys.list(USER, query))
      ?.pages.flatMap((p) => p.tasks);
  /** The query keys invalidated since the last call. */
  const invalidated = () => {
    const keys = invalidate.mock.calls.map(([filters]) => JSON.stringify(filters?.queryKey ?? "(all)"));
    invalidate.mockClear();
    return keys;
  };
  return { client, cache, onEditedTaskGone, listed, invalidated };
}

const caches: LiveCache[] = [];
afterEach(() => caches.splice(0).forEach((c) => c.dispose()));

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("parseChange", () => {
  it("reads a change and refuses what is not one", () => {
    const t = task("a");
    expect(parseChange(JSON.stringify({ seq: 3, entity: "task", op: "upsert", id: "a", data: t }))).toEqual(
      upsert("task", t, 3),
    );
    expect(parseChange(JSON.stringify({ seq: 4, entity: "list", op: "delete", id: "b", data: null }))).toEqual(
      remove("list", "b", 4),
    );
    expect(parseChange("{}")).toBeNull();
    expect(parseChange("not json")).toBeNull();
    expect(parseChange(JSON.stringify({ seq: 1, entity: "task", op: "upsert", id: "a", data: null }))).toBeNull();
    expect(parseChange(JSON.stringify({ seq: 1, entity: "task", op: "merge", id: "a", data: {} }))).toBeNull();
  });
});

describe("compareTimestamps", () => {
  it("orders to the microsecond whatever the fraction's length", () => {
    expect(compareTimestamps("2026-12-07T10:00:00Z", "2026-12-07T10:00:00.5Z")).toBeLessThan(0);
    expect(compareTimestamps("2026-12-07T10:00:00.000002Z", "2026-12-07T10:00:00.000001Z")).toBeGreaterThan(0);
    expect(compareTimestamps("2026-12-07T10:00:00.1Z", "2026-12-07T10:00:00.100000Z")).toBe(0);
  });
});

describe("LiveCache: tasks", () => {
  it("shows a task changed elsewhere in place at once, then reads the lists on screen again once", async () => {
    const { client, cache, listed, invalidated } = setup();
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(task("a"), task("b")));
    const renamed = task("a", { title: "Renamed elsewhere", updated_at: "2026-12-07T10:00:01Z" });
    cache.apply(upsert("task", renamed, 1));
    cache.apply(upsert("task", { ...renamed, priority: "high", updated_at: "2026-12-07T10:00:02Z" }, 2));
    expect(listed()?.map((t) => [t.title, t.priority])).toEqual([
      ["Renamed elsewhere", "high"],
      ["Task b", "medium"],
    ]);
    expect(invalidated()).toEqual([]);
    await settle();
    expect(invalidated().sort()).toEqual([JSON.stringify(listKeys.all(USER)), JSON.stringify(taskKeys.lists(USER))]);
  });

  it("leaves alone a change the tab already shows (its own) or an older copy, and reads nothing", async () => {
    const { client, cache, listed, invalidated } = setup();
    const mine = task("a", { title: "Mine", updated_at: "2026-12-07T10:00:05Z" });
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(mine));
    client.setQueryData<TaskWithVersion>(taskKeys.detail(USER, "a"), { task: mine, etag: '"4"' });
    cache.apply(upsert("task", { ...mine }, 7));
    cache.apply(upsert("task", task("a", { title: "Older", updated_at: "2026-12-07T10:00:04Z" }), 6));
    expect(listed()?.map((t) => t.title)).toEqual(["Mine"]);
    await settle();
    expect(invalidated()).toEqual([]);
  });

  it("takes a task out of the lists it no longer belongs in (completed elsewhere, moved to another list)", () => {
    const { client, cache, listed } = setup();
    const all = { ...pendingInbox, status: "all" as const };
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(task("a"), task("b")));
    client.setQueryData(taskKeys.list(USER, all), pages(task("a"), task("b")));
    cache.apply(upsert("task", task("a", { completed: true, updated_at: "2026-12-07T10:00:01Z" })));
    cache.apply(upsert("task", task("b", { list_id: WORK, updated_at: "2026-12-07T10:00:01Z" })));
    expect(listed()?.map((t) => t.id)).toEqual([]);
    expect(listed(all)?.map((t) => [t.id, t.completed])).toEqual([["a", true]]);
  });

  it("takes a task out of the date views once it is done or has no date, and reads the views again (issue 11)", async () => {
    const { client, cache, listed, invalidated } = setup();
    const today: TaskQuery = { view: "today", sort: "due_at", order: "asc", limit: 100 };
    const due = { due_at: "2026-12-08T09:00:00Z" };
    client.setQueryData(taskKeys.list(USER, today), pages(task("a", due), task("b", due), task("c", due)));
    cache.apply(upsert("task", task("a", { ...due, completed: true, updated_at: "2026-12-07T10:00:01Z" })));
    cache.apply(upsert("task", task("b", { due_at: null, updated_at: "2026-12-07T10:00:01Z" })));
    // A new due date stays until the view is read again: which day it falls on is the API's to say.
    cache.apply(upsert("task", task("c", { due_at: "2026-12-20T09:00:00Z", updated_at: "2026-12-07T10:00:01Z" })));
    expect(listed(today)?.map((t) => t.id)).toEqual(["c"]);
    await settle();
    expect(invalidated()).toContain(JSON.stringify(taskKeys.lists(USER)));
  });

  it("reads the preferences and the tasks again when the preferences change elsewhere", async () => {
    const { cache, invalidated } = setup();
    cache.apply(upsert("preferences", { id: USER, time_zone: "Asia/Tokyo", week_start: "monday" }));
    expect(invalidated()).toEqual([JSON.stringify(["preferences", USER])]);
    await settle();
    expect(invalidated()).toEqual([JSON.stringify(taskKeys.lists(USER))]);
  });

  it("keeps the task being edited where it is, with the version it was opened at, and reads the lists once the editor closes", async () => {
    let editing: string | null = "a";
    const { client, listed, invalidated } = setup();
    const cache = new LiveCache({ client, userId: USER, editingId: () => editing, debounceMs: 10 });
    caches.push(cache);
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(task("a")));
    client.setQueryData<TaskWithVersion>(taskKeys.detail(USER, "a"), { task: task("a"), etag: '"1"' });
    const done = task("a", { title: "Done elsewhere", completed: true, updated_at: "2026-12-07T10:00:01Z" });
    cache.apply(upsert("task", done));
    expect(listed()?.map((t) => t.title)).toEqual(["Done elsewhere"]);
    // The ETag stays the one read with the old copy: a save against it is a 412, never a blind overwrite.
    expect(client.getQueryData<TaskWithVersion>(taskKeys.detail(USER, "a"))).toEqual({ task: done, etag: '"1"' });
    await settle();
    expect(invalidated()).toEqual([JSON.stringify(listKeys.all(USER))]);
    editing = null;
    cache.flush();
    expect(invalidated()).toEqual([JSON.stringify(taskKeys.lists(USER))]);
  });

  it("a new task elsewhere reads the lists on screen again (its place depends on sort and filters)", async () => {
    const { client, cache, listed, invalidated } = setup();
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(task("a")));
    cache.apply(upsert("task", task("new")));
    expect(listed()?.map((t) => t.id)).toEqual(["a"]);
    await settle();
    expect(invalidated()).toContain(JSON.stringify(taskKeys.lists(USER)));
  });

  it("does not read while the tab's own write is under way", async () => {
    const { client, cache, invalidated } = setup();
    let finish: () => void = () => undefined;
    const mutation = client
      .getMutationCache()
      .build(client, { mutationFn: () => new Promise<void>((resolve) => (finish = resolve)) });
    const running = mutation.execute(undefined);
    cache.apply(upsert("task", task("new")));
    await settle();
    expect(invalidated()).toEqual([]);
    finish();
    await running;
    await settle();
    expect(invalidated()).toContain(JSON.stringify(taskKeys.lists(USER)));
  });

  it("a deletion elsewhere takes the task out everywhere, and says so when it was being edited", async () => {
    const { client, cache, listed, onEditedTaskGone, invalidated } = setup({ editingId: "a" });
    client.setQueryData(taskKeys.list(USER, pendingInbox), pages(task("a"), task("b")));
    client.setQueryData<TaskWithVersion>(taskKeys.detail(USER, "a"), { task: task("a"), etag: '"1"' });
    cache.apply(remove("task", "a"));
    expect(listed()?.map((t) => t.id)).toEqual(["b"]);
    expect(client.getQueryData(taskKeys.detail(USER, "a"))).toBeUndefined();
    expect(onEditedTaskGone).toHaveBeenCalledWith("a");
    await settle();
    expect(invalidated()).toEqual([JSON.stringify(listKeys.all(USER))]);
  });
});

describe("LiveCache: lists and labels", () => {
  it("renames, adds (in order) and removes lists; an older copy is ignored", () => {
    const { client, cache } = setup();
    const inbox = list(INBOX, { is_inbox: true, name: "Inbox", position: "" });
    client.setQueryData<TaskList[]>(listKeys.all(USER), [inbox, list(WORK, { position: "m" })]);
    cache.apply(upsert("list", list(WORK, { name: "Work stuff", updated_at: "2026-12-07T10:00:01Z" })));
    cache.apply(upsert("list", list("c", { name: "Before work", position: "g" })));
    cache.apply(upsert("list", list(WORK, { name: "Stale", updated_at: "2026-12-07T09:00:00Z" })));
    const names = () => client.getQueryData<TaskList[]>(listKeys.all(USER))?.map((l) => l.name);
    expect(names()).toEqual(["Inbox", "Before work", "Work stuff"]);
    cache.apply(remove("list", "c"));
    expect(names()).toEqual(["Inbox", "Work stuff"]);
  });

  it("renames, adds and removes labels", async () => {
    const { client, cache, invalidated } = setup();
    client.setQueryData<Label[]>(labelKeys.all(USER), [label("x")]);
    cache.apply(upsert("label", label("x", { name: "urgent", updated_at: "2026-12-07T10:00:01Z" })));
    cache.apply(upsert("label", label("y", { name: "home" })));
    const names = () => client.getQueryData<Label[]>(labelKeys.all(USER))?.map((l) => l.name);
    expect(names()).toEqual(["urgent", "home"]);
    cache.apply(remove("label", "x"));
    expect(names()).toEqual(["home"]);
    await settle();
    expect(invalidated()).toEqual([JSON.stringify(labelKeys.all(USER))]);
  });

  it("reads the trash again when something enters or leaves it (issue 12)", () => {
    const { cache, invalidated } = setup();
    cache.apply(upsert("trash", { id: "t1", kind: "task", title: "Gone" }));
    expect(invalidated()).toEqual([JSON.stringify(trashKeys.all(USER))]);
    cache.apply(remove("trash", "t1"));
    expect(invalidated()).toEqual([JSON.stringify(trashKeys.all(USER))]);
  });

  it("ignores entities the web app does not show", () => {
    const { client, cache } = setup();
    const before = client.getQueryCache().getAll().length;
    cache.apply(upsert("preferences", { id: "p" }));
    cache.apply(remove("completion", "c"));
    expect(client.getQueryCache().getAll()).toHaveLength(before);
  });
});

describe("LiveCache: starting over", () => {
  it("reloadEverything invalidates every query; catchUp only what was read before the stream was asked for", () => {
    const { client, cache, invalidated } = setup();
    client.setQueryData<TaskList[]>(listKeys.all(USER), [], { updatedAt: 1_000 });
    client.setQueryData<Label[]>(labelKeys.all(USER), [], { updatedAt: 3_000 });
    void cache.reloadEverything();
    expect(invalidated()).toEqual([JSON.stringify("(all)")]);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    cache.catchUp(2_000);
    const predicate = invalidate.mock.calls[0]![0]!.predicate!;
    const stale = client
      .getQueryCache()
      .getAll()
      .filter((q) => predicate(q))
      .map((q) => q.queryKey[0]);
    expect(stale).toEqual(["lists"]);
  });
});
