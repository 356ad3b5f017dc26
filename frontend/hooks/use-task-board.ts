"use client";

/**
 * The dashboard's state and what each of its controls does: the filters,
 * the list they select, which task is being edited, and the answer to every
 * failure (a field error in the form, a toast, the outage banner, or a trip
 * to the sign-in page). The data itself comes from hooks/use-tasks.ts.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import * as React from "react";

import { DEFAULT_FILTERS, type Filters } from "@/components/tasks/task-filters";
import { newTaskFromDraft, patchFromDraft, type TaskDraft } from "@/components/tasks/task-draft";
import { toast } from "@/components/ui/sonner";
import { apiTokens } from "@/lib/api-token";
import type { Task, TaskQuery } from "@/lib/api/types";
import { SORT_CHOICES } from "@/lib/task-format";
import { ApiError } from "@/lib/tasks-api";

import {
  dropTask,
  useBusyTaskIds,
  useCreateTask,
  useDeleteTask,
  useFetchLatestTask,
  useTaskList,
  useToggleTask,
  useUpdateTask,
} from "./use-tasks";

const PAGE_SIZE = 20;

/** Field errors for a form to show, keyed by the API's field names; null when it worked. */
export type FormOutcome = Record<string, string> | null;

function toQuery(filters: Filters): TaskQuery {
  const sort = SORT_CHOICES.find((c) => c.value === filters.sort) ?? SORT_CHOICES[0]!;
  return {
    status: filters.status,
    priority: filters.priority === "all" ? undefined : filters.priority,
    q: filters.q || undefined,
    sort: sort.sort,
    order: sort.order,
    limit: PAGE_SIZE,
  };
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("unexpected", "Something went wrong. Please try again.");
}

const goneElsewhere = () => toast("That task no longer exists", { description: "It was deleted elsewhere." });

export function useTaskBoard(userId: string) {
  const router = useRouter();
  const client = useQueryClient();
  const [filters, setFilters] = React.useState<Filters>(DEFAULT_FILTERS);
  const query = React.useMemo(() => toQuery(filters), [filters]);
  const list = useTaskList(userId, query);
  const busyIds = useBusyTaskIds(userId);
  const createTask = useCreateTask(userId);
  const updateTask = useUpdateTask(userId);
  const toggleTask = useToggleTask(userId);
  const deleteTask = useDeleteTask(userId);
  const fetchLatest = useFetchLatestTask(userId);

  const [editingId, setEditingId] = React.useState<string | null>(null);
  // Bumped to restart the editor from the task's latest version (after a 412).
  const [editorGeneration, setEditorGeneration] = React.useState(0);
  // A failed change because the API was unreachable, and when: a list read
  // since then shows the API is back, and hides the banner.
  const [outage, setOutage] = React.useState<{ message: string; at: number } | null>(null);
  const visibleOutage = outage && outage.at > list.dataUpdatedAt ? outage.message : null;

  const signInAgain = React.useCallback(() => {
    apiTokens.clear();
    router.replace("/sign-in?next=/dashboard");
  }, [router]);

  /** What every failed call does before its caller decides the rest. */
  const handleCommon = (error: ApiError): boolean => {
    if (error.kind === "signed_out") {
      signInAgain();
      return true;
    }
    if (error.kind === "unavailable") {
      setOutage({ message: error.message, at: Date.now() });
      return true;
    }
    return false;
  };

  // The list's own error state says the rest; a lost session goes to sign-in.
  const listError = list.error;
  React.useEffect(() => {
    if (listError?.kind === "signed_out") signInAgain();
  }, [listError, signInAgain]);

  const worked = () => setOutage(null);

  const forget = (id: string) => {
    dropTask(client, userId, id);
    setEditingId((current) => (current === id ? null : current));
  };

  async function create(draft: TaskDraft): Promise<FormOutcome> {
    try {
      await createTask.mutateAsync(newTaskFromDraft(draft));
      worked();
      return null;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return {};
      if (error.kind === "validation") {
        const fields = error.fieldErrors();
        return Object.keys(fields).length > 0 ? fields : { title: error.message };
      }
      toast.error("Could not add the task", { description: error.message });
      return {};
    }
  }

  async function startEditing(task: Task) {
    setEditingId(task.id);
    // Fetch the current version: its ETag guards the save against changes
    // made elsewhere since the list was read.
    try {
      await fetchLatest(task.id);
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else {
        handleCommon(error);
      }
    }
  }

  async function reloadAfterConflict(id: string) {
    try {
      await fetchLatest(id);
      setEditorGeneration((g) => g + 1);
      toast.error("This task was changed elsewhere", {
        description: "Your edit was not saved. The latest version is shown; make your change again.",
      });
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") {
        forget(id);
        goneElsewhere();
      } else {
        handleCommon(error);
      }
    }
  }

  async function save(original: Task, draft: TaskDraft): Promise<FormOutcome> {
    const patch = patchFromDraft(original, draft);
    if (Object.keys(patch).length === 0) {
      setEditingId(null);
      return null;
    }
    try {
      await updateTask.mutateAsync({ id: original.id, patch });
      setEditingId(null);
      worked();
      return null;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return {};
      switch (error.kind) {
        case "conflict":
          await reloadAfterConflict(original.id);
          return {};
        case "not_found":
          forget(original.id);
          goneElsewhere();
          return null;
        case "validation": {
          const fields = error.fieldErrors();
          return Object.keys(fields).length > 0 ? fields : { title: error.message };
        }
        default:
          toast.error("Could not save the task", { description: error.message });
          return {};
      }
    }
  }

  async function toggle(task: Task) {
    try {
      await toggleTask.mutateAsync(task);
      worked();
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return;
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else {
        toast.error("Could not update the task", { description: error.message });
      }
    }
  }

  async function remove(task: Task) {
    try {
      await deleteTask.mutateAsync(task);
      worked();
      toast("Task deleted", { description: `“${task.title}” is gone.` });
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") forget(task.id);
      else if (!handleCommon(error)) toast.error("Could not delete the task", { description: error.message });
    }
  }

  async function loadMore() {
    if (!list.hasNextPage || list.isFetchingNextPage) return;
    const result = await list.fetchNextPage();
    if (result.isFetchNextPageError && result.error) {
      const error = asApiError(result.error);
      if (!handleCommon(error)) toast.error("Could not load more tasks", { description: error.message });
    }
  }

  function retry() {
    setOutage(null);
    void list.refetch();
  }

  return {
    filters,
    changeFilters: (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch })),
    clearFilters: () => setFilters((f) => ({ ...DEFAULT_FILTERS, sort: f.sort })),
    list,
    busyIds,
    editingId,
    editorGeneration,
    outage: visibleOutage,
    create,
    startEditing,
    cancelEditing: () => setEditingId(null),
    save,
    toggle,
    remove,
    loadMore,
    retry,
  };
}

export type TaskBoardState = ReturnType<typeof useTaskBoard>;
