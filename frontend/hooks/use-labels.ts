"use client";

/** The labels resource in TanStack Query: the user's labels, and changes to them. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as React from "react";

import type { ApiError, Label, LabelInput, LabelPatch, Versioned } from "@/lib/tasks-api";

import { taskKeys, useTasksApi } from "./use-tasks";

export const labelKeys = {
  all: (userId: string) => ["labels", userId] as const,
};

export function useLabels(userId: string) {
  const api = useTasksApi(userId);
  return useQuery<Label[], ApiError>({ queryKey: labelKeys.all(userId), queryFn: () => api.labels() });
}

export function useCreateLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Label, ApiError, LabelInput>({
    mutationFn: (input) => api.createLabel(input),
    onSuccess: () => void client.invalidateQueries({ queryKey: labelKeys.all(userId) }),
  });
}

/**
 * Reads one label's current copy and version: an edit or a deletion starts
 * from it, so its If-Match names the version the user is looking at.
 */
export function useFetchLatestLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return React.useCallback(
    async (id: string): Promise<Versioned<Label>> => {
      const latest = await api.getLabel(id);
      client.setQueryData<Label[]>(labelKeys.all(userId), (labels) =>
        labels?.map((l) => (l.id === id ? latest.value : l)),
      );
      return latest;
    },
    [api, client, userId],
  );
}

/** Renames or recolours a label with If-Match: a change made elsewhere since it was read is a 412. */
export function useUpdateLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Versioned<Label>, ApiError, { id: string; patch: LabelPatch; etag: string | null }>({
    mutationFn: ({ id, patch, etag }) => api.updateLabel(id, patch, etag),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: labelKeys.all(userId) });
      // The chips on the tasks show the label's name and colour.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}

/** Deletes a label, with If-Match as for an edit. */
export function useDeleteLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, { label: Label; etag: string | null }>({
    mutationFn: ({ label, etag }) => api.removeLabel(label.id, etag),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: labelKeys.all(userId) });
      // The tasks that had it lose the chip.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}
