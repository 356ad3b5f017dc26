"use client";

/**
 * The lists resource in TanStack Query: the user's lists (Inbox first, with
 * their counts) and the changes to them. A change to a list, or to the tasks
 * in it, reads the lists again, so the counts in the sidebar stay right.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as React from "react";

import type { ApiError, ListInput, ListMove, ListPatch, TaskList, Versioned } from "@/lib/tasks-api";

import { listKeys, taskKeys, useTasksApi } from "./use-tasks";

export function useLists(userId: string) {
  const api = useTasksApi(userId);
  return useQuery<TaskList[], ApiError>({ queryKey: listKeys.all(userId), queryFn: () => api.lists() });
}

export function useCreateList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskList, ApiError, ListInput>({
    mutationFn: (input) => api.createList(input),
    onSuccess: () => void client.invalidateQueries({ queryKey: listKeys.all(userId) }),
  });
}

/**
 * Reads one list's current copy and version: an edit or a deletion starts
 * from it, so its If-Match names the version the user is looking at. The
 * copy replaces the one in the sidebar.
 */
export function useFetchLatestList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return React.useCallback(
    async (id: string): Promise<Versioned<TaskList>> => {
      const latest = await api.getList(id);
      client.setQueryData<TaskList[]>(listKeys.all(userId), (lists) =>
        lists?.map((l) => (l.id === id ? latest.value : l)),
      );
      return latest;
    },
    [api, client, userId],
  );
}

/** Renames or recolours a list with If-Match: a change made elsewhere since it was read is a 412. */
export function useUpdateList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Versioned<TaskList>, ApiError, { id: string; patch: ListPatch; etag: string | null }>({
    mutationFn: ({ id, patch, etag }) => api.updateList(id, patch, etag),
    onSuccess: () => void client.invalidateQueries({ queryKey: listKeys.all(userId) }),
  });
}

/** Deletes a list and its tasks, with If-Match as for an edit. */
export function useDeleteList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, { list: TaskList; etag: string | null }>({
    mutationFn: ({ list, etag }) => api.removeList(list.id, etag),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: listKeys.all(userId) });
      // Its tasks are gone with it.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}

/**
 * Moves a list in the sidebar: the new order shows at once and is put back
 * if the API refuses it (the caller tells the user).
 */
export function useMoveList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  const key = listKeys.all(userId);
  return useMutation<TaskList, ApiError, { id: string; to: ListMove }, { before?: TaskList[] }>({
    mutationFn: ({ id, to }) => api.moveList(id, to),
    onMutate: async ({ id, to }) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<TaskList[]>(key);
      if (before) client.setQueryData<TaskList[]>(key, reordered(before, id, to));
      return { before };
    },
    onError: (_error, _move, context) => {
      if (context?.before) client.setQueryData(key, context.before);
    },
    onSettled: () => void client.invalidateQueries({ queryKey: key }),
  });
}

/** The lists with one of them taken out and put back before or after another. */
function reordered(lists: readonly TaskList[], id: string, to: ListMove): TaskList[] {
  const moving = lists.find((l) => l.id === id);
  if (!moving) return [...lists];
  const rest = lists.filter((l) => l.id !== id);
  const anchor = rest.findIndex((l) => l.id === (to.before ?? to.after));
  const at = anchor < 0 ? rest.length : to.before ? anchor : anchor + 1;
  return [...rest.slice(0, at), moving, ...rest.slice(at)];
}
