"use client";

/**
 * The trash in TanStack Query: deleted tasks (with their subtasks) and lists
 * (with their tasks), newest first, and what can be done with them. The
 * change feed's "trash" entries invalidate the query (lib/live/cache.ts), so
 * another tab's delete or restore shows here too.
 */
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import * as React from "react";

import type { ApiError, Restored, TrashItem, TrashPage } from "@/lib/tasks-api";

import { refreshAfterBulk, trashKeys, useTasksApi } from "./use-tasks";

export { trashKeys };

type TrashPages = InfiniteData<TrashPage, string | null>;

export function useTrash(userId: string) {
  const api = useTasksApi(userId);
  const result = useInfiniteQuery<TrashPage, ApiError, TrashPages, ReturnType<typeof trashKeys.all>, string | null>({
    queryKey: trashKeys.all(userId),
    queryFn: ({ pageParam }) => api.trash(pageParam),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = React.useMemo(() => {
    const seen = new Set<string>();
    return (result.data?.pages ?? []).flatMap((page) =>
      page.items.filter((item) => !seen.has(item.id) && seen.add(item.id)),
    );
  }, [result.data]);
  return { ...result, items };
}

/** Brings an item (task or list) back from the trash. */
export function useRestoreFromTrash(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Restored, ApiError, Pick<TrashItem, "id">>({
    mutationFn: ({ id }) => api.restore(id),
    onSettled: () => refreshAfterBulk(client, userId),
  });
}

/** Deletes one item of the trash for good. */
export function usePurgeFromTrash(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, Pick<TrashItem, "id">>({
    mutationFn: ({ id }) => api.purge(id),
    onSettled: () => void client.invalidateQueries({ queryKey: trashKeys.all(userId) }),
  });
}

/** Deletes everything in the trash for good. */
export function useEmptyTrash(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<number, ApiError, void>({
    mutationFn: () => api.emptyTrash(),
    onSettled: () => void client.invalidateQueries({ queryKey: trashKeys.all(userId) }),
  });
}
