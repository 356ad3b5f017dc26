"use client";

/**
 * The lists resource in TanStack Query: the user's lists (Inbox first, with
 * their counts) and the changes to them. A change to a list, or to the tasks
 * in it, reads the lists again, so the counts in the sidebar stay right.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiError, ListInput, ListPatch, TaskList } from "@/lib/tasks-api";

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

export function useUpdateList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<TaskList, ApiError, { id: string; patch: ListPatch }>({
    mutationFn: ({ id, patch }) => api.updateList(id, patch),
    onSuccess: () => void client.invalidateQueries({ queryKey: listKeys.all(userId) }),
  });
}

export function useDeleteList(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, TaskList>({
    mutationFn: (list) => api.removeList(list.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: listKeys.all(userId) });
      // Its tasks are gone with it.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}
