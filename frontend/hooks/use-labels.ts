"use client";

/** The labels resource in TanStack Query: the user's labels, and a new one. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiError, Label, LabelInput } from "@/lib/tasks-api";

import { useTasksApi } from "./use-tasks";

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
