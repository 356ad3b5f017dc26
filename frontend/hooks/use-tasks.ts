"use client";

/**
 * The tasks resource in TanStack Query: the keys, the paged list, the
 * mutations, and how each mutation updates the cache. Errors are ApiErrors
 * (lib/tasks-api.ts); what the page says about them is up to its caller.
 *
 * Each task's ETag (its version, sent back as If-Match) lives in the cache
 * under the task's detail key, next to the copy it came with.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useMutationState,
  useQueryClient,
  type InfiniteData,
  type Query,
  type QueryClient,
} from "@tanstack/react-query";
import * as React from "react";

import { apiTokens } from "@/lib/api-token";
import { belongsInList, belongsInView } from "@/lib/live/cache";
import {
  TasksApi,
  type ApiError,
  type BatchOperation,
  type Task,
  type TaskInput,
  type TaskMove,
  type TaskPage,
  type TaskPatch,
  type TaskQuery,
  type TaskWithVersion,
} from "@/lib/tasks-api";

export const taskKeys = {
  all: (userId: string) => ["tasks", userId] as const,
  lists: (userId: string) => [...taskKeys.all(userId), "list"] as const,
  list: (userId: string, query: TaskQuery) => [...taskKeys.lists(userId), query] as const,
  details: (userId: string) => [...taskKeys.all(userId), "detail"] as const,
  detail: (userId: string, id: string) => [...taskKeys.details(userId), id] as const,
  /** Mutations that make a task busy (its controls disabled) while they run. */
  busy: (userId: string) => [...taskKeys.all(userId), "busy"] as const,
};

/** The user's lists (hooks/use-lists.ts): their counts change with their tasks. */
export const listKeys = {
  all: (userId: string) => ["lists", userId] as const,
};

type TaskPages = InfiniteData<TaskPage, string | null>;

/** This user's task API client, one per user for the page's lifetime. */
export function useTasksApi(userId: string): TasksApi {
  return React.useMemo(() => new TasksApi(userId, apiTokens), [userId]);
}

/** Does the task belong in a list read with this query (as far as a change can move it out)? */
function belongsIn(task: Task, query: TaskQuery): boolean {
  return belongsInView(task, query) && belongsInList(task, query);
}

/** A date view (Today, Upcoming…): a read of it. */
const isViewQuery = (query: Query) => !!((query.queryKey[3] ?? {}) as TaskQuery).view;

/**
 * Reads the date views on screen again (Today, Upcoming, the sidebar's
 * count): a task's due date decides which of them it is in and where, which
 * a copy replaced in place cannot tell.
 */
export function refreshViews(client: QueryClient, userId: string): void {
  void client.invalidateQueries({ queryKey: taskKeys.lists(userId), predicate: isViewQuery });
}

/**
 * Applies `change` to every cached page of every list, then marks the lists
 * stale without reading them again: the one on screen is up to date, the
 * others are read again when they are next shown. Except when a list is
 * being read at this moment (e.g. right after a create): that read may have
 * started before this change was saved and would put the old copy back when
 * it lands, so it is cancelled (silently: the copy set here stays) and the
 * lists are read again.
 */
function updateLists(client: QueryClient, userId: string, change: (tasks: Task[], query: TaskQuery) => Task[]): void {
  const readInFlight = client.isFetching({ queryKey: taskKeys.lists(userId) }) > 0;
  for (const [key, data] of client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })) {
    if (!data) continue;
    const query = (key[3] ?? {}) as TaskQuery;
    client.setQueryData<TaskPages>(key, {
      ...data,
      pages: data.pages.map((page) => ({ ...page, tasks: change(page.tasks, query) })),
    });
  }
  // cancelRefetch (the default) replaces a read in flight by a new one.
  void client.invalidateQueries({ queryKey: taskKeys.lists(userId), refetchType: readInFlight ? "all" : "none" });
  void client.invalidateQueries({ queryKey: listKeys.all(userId) });
  refreshViews(client, userId);
}

function rememberVersion(client: QueryClient, userId: string, { task, etag }: TaskWithVersion): void {
  client.setQueryData<TaskWithVersion>(taskKeys.detail(userId, task.id), { task, etag });
}

/** Shows the new copy of a task wherever it is listed (and drops it where it no longer belongs). */
function replaceTask(client: QueryClient, userId: string, version: TaskWithVersion): void {
  rememberVersion(client, userId, version);
  const { task } = version;
  updateLists(client, userId, (tasks, query) =>
    belongsIn(task, query) ? tasks.map((t) => (t.id === task.id ? task : t)) : tasks.filter((t) => t.id !== task.id),
  );
}

/**
 * Reads the lists on screen again: a change inside a tree (a subtask added,
 * completed, moved or deleted; a parent completing its subtasks) changes
 * other rows too, the parent's counts or the children's state.
 */
function refreshLists(client: QueryClient, userId: string): void {
  void client.invalidateQueries({ queryKey: taskKeys.lists(userId) });
}

const inTree = (task: Task) => task.parent_id !== null || task.subtasks.total > 0;

/** Forgets a task that is gone (deleted here or elsewhere). */
export function dropTask(client: QueryClient, userId: string, id: string): void {
  client.removeQueries({ queryKey: taskKeys.detail(userId, id) });
  updateLists(client, userId, (tasks) => tasks.filter((t) => t.id !== id));
}

/** One page of the list after another ("Load more"); a new query starts again at the first. */
export function useTaskList(userId: string, query: TaskQuery, enabled = true) {
  const api = useTasksApi(userId);
  const result = useInfiniteQuery<TaskPage, ApiError, TaskPages, ReturnType<typeof taskKeys.list>, string | null>({
    queryKey: taskKeys.list(userId, query),
    queryFn: ({ pageParam }) => api.list(pageParam ? { ...query, cursor: pageParam } : query),
    initialPageParam: null,
    enabled,
    getNextPageParam: (last) => last.nextCursor,
    // While another filter's first page loads, the current list stays (dimmed).
    placeholderData: keepPreviousData,
  });
  const tasks = React.useMemo(() => {
    // A task created between two pages can appear on both: show it once.
    const seen = new Set<string>();
    return (result.data?.pages ?? []).flatMap((page) =>
      page.tasks.filter((task) => !seen.has(task.id) && seen.add(task.id)),
    );
  }, [result.data]);
  return { ...result, tasks };
}

/** The ids of the tasks a toggle or delete is under way for. */
export function useBusyTaskIds(userId: string): ReadonlySet<string> {
  const ids = useMutationState({
    filters: { mutationKey: taskKeys.busy(userId), status: "pending" },
    select: (mutation) => {
      const variables = mutation.state.variables as Task | { task: Task } | undefined;
      return variables && "task" in variables ? variables.task.id : variables?.id;
    },
  });
  return React.useMemo(() => new Set(ids.filter((id): id is string => !!id)), [ids]);
}

export function useCreateTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskWithVersion, ApiError, TaskInput>({
    mutationFn: (input) => api.create(input),
    onSuccess: (created) => {
      rememberVersion(client, userId, created);
      // Read the list again, so the new task lands where its sort puts it.
      // Not awaited: the form is free again at once, the list shows it is loading.
      void client.invalidateQueries({ queryKey: taskKeys.lists(userId) });
      void client.invalidateQueries({ queryKey: listKeys.all(userId) });
    },
  });
}

/** Reads the task's current copy and version (an edit starts from it), and shows it. */
export function useFetchLatestTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return React.useCallback(
    async (id: string): Promise<TaskWithVersion> => {
      const latest = await client.fetchQuery({
        queryKey: taskKeys.detail(userId, id),
        queryFn: () => api.get(id),
        staleTime: 0,
      });
      replaceTask(client, userId, latest);
      return latest;
    },
    [api, client, userId],
  );
}

/** Saves changed fields with If-Match: the version last read, so a change made elsewhere since is a 412. */
export function useUpdateTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskWithVersion, ApiError, { id: string; patch: TaskPatch }>({
    mutationFn: ({ id, patch }) => {
      const known = client.getQueryData<TaskWithVersion>(taskKeys.detail(userId, id));
      return api.update(id, patch, known?.etag ?? null);
    },
    onSuccess: (updated) => replaceTask(client, userId, updated),
  });
}

export function useToggleTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskWithVersion, ApiError, Task>({
    mutationKey: taskKeys.busy(userId),
    mutationFn: (task) => api.setCompleted(task.id, !task.completed),
    onSuccess: (updated) => {
      replaceTask(client, userId, updated);
      if (inTree(updated.task)) refreshLists(client, userId);
    },
  });
}

/**
 * Takes back the completion of a repeating task (`{"completed": false}` right
 * after completing it): the API restores its previous due date.
 */
export function useUndoCompletion(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskWithVersion, ApiError, Task>({
    mutationKey: taskKeys.busy(userId),
    mutationFn: (task) => api.setCompleted(task.id, false),
    onSuccess: (restored) => {
      replaceTask(client, userId, restored);
      if (inTree(restored.task)) refreshLists(client, userId);
    },
  });
}

export function useDeleteTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, Task>({
    mutationKey: taskKeys.busy(userId),
    mutationFn: (task) => api.remove(task.id),
    onSuccess: (_, task) => {
      dropTask(client, userId, task.id);
      if (inTree(task)) refreshLists(client, userId);
      void client.invalidateQueries({ queryKey: trashKeys.all(userId) });
    },
  });
}

/** Moves a task (with its subtasks); every list on screen is read again, as rows left one and joined another. */
export function useMoveTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskWithVersion, ApiError, { task: Task; to: TaskMove }>({
    mutationKey: taskKeys.busy(userId),
    mutationFn: ({ task, to }) => api.move(task.id, to),
    onSuccess: (moved) => {
      replaceTask(client, userId, moved);
      refreshLists(client, userId);
    },
  });
}

/** The trash (hooks/use-trash.ts): a delete or a restore changes it. */
export const trashKeys = {
  all: (userId: string) => ["trash", userId] as const,
};

/**
 * Everything a batch or a restore may have touched is read again: tasks in
 * several lists and levels, the lists' counts, the trash.
 */
export function refreshAfterBulk(client: QueryClient, userId: string): void {
  void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
  void client.invalidateQueries({ queryKey: listKeys.all(userId) });
  void client.invalidateQueries({ queryKey: trashKeys.all(userId) });
}

/** Brings a deleted task (with its subtasks) back from the trash: the Undo of a delete. */
export function useRestoreTask(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Task, ApiError, string>({
    mutationFn: async (id) => {
      const restored = await api.restore(id);
      if (restored.kind !== "task") throw new Error("A list was restored where a task was expected.");
      return restored.task;
    },
    onSuccess: () => refreshAfterBulk(client, userId),
  });
}

/** `POST /tasks/batch`: several changes at once, all or nothing. */
export function useTaskBatch(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Task[], ApiError, BatchOperation[]>({
    mutationFn: (operations) => api.batch(operations),
    onSettled: () => refreshAfterBulk(client, userId),
  });
}
