"use client";

/** The labels resource in TanStack Query: the user's labels, and changes to them. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiError, Label, LabelInput, LabelPatch } from "@/lib/tasks-api";

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

export function useUpdateLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Label, ApiError, { id: string; patch: LabelPatch }>({
    mutationFn: ({ id, patch }) => api.updateLabel(id, patch),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: labelKeys.all(userId) });
      // The chips on the tasks show the label's name and colour.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}

export function useDeleteLabel(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<void, ApiError, Label>({
    mutationFn: (label) => api.removeLabel(label.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: labelKeys.all(userId) });
      // The tasks that had it lose the chip.
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}
