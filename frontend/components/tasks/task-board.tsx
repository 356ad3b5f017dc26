"use client";

import { AlertTriangle, ClipboardList, Loader2, RefreshCw, SearchX } from "lucide-react";
import { useRouter } from "next/navigation";
import * as React from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { apiTokens } from "@/lib/api-token";
import { SORT_CHOICES } from "@/lib/task-format";
import type { Task, TaskQuery } from "@/lib/api/types";
import { ApiError, TasksApi } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

import { TaskComposer } from "./task-composer";
import { newTaskFromDraft, patchFromDraft, type TaskDraft } from "./task-draft";
import { TaskEditor } from "./task-editor";
import { DEFAULT_FILTERS, TaskFilters, isFiltered, type Filters } from "./task-filters";
import { TaskItem } from "./task-item";

const PAGE_SIZE = 20;

type ListState = { status: "loading" } | { status: "ready" } | { status: "error"; error: ApiError };

function toQuery(filters: Filters): TaskQuery {
  const sort = SORT_CHOICES.find((c) => c.value === filters.sort) ?? SORT_CHOICES[0]!;
  return {
    status: filters.status,
    priority: filters.priority === "all" ? undefined : filters.priority,
    category: filters.category || undefined,
    q: filters.q || undefined,
    sort: sort.sort,
    order: sort.order,
    limit: PAGE_SIZE,
  };
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("unexpected", "Something went wrong. Please try again.");
}

/** Does the task still belong in the list under these filters? */
function matchesStatus(task: Task, filters: Filters): boolean {
  if (filters.status === "pending") return !task.completed;
  if (filters.status === "completed") return task.completed;
  return true;
}

export function TaskBoard({ userId }: { userId: string }) {
  const router = useRouter();
  const toast = useToast();
  const api = React.useMemo(() => new TasksApi(userId, apiTokens), [userId]);

  const [filters, setFilters] = React.useState<Filters>(DEFAULT_FILTERS);
  const [tasks, setTasks] = React.useState<Task[]>([]);
  const [nextCursor, setNextCursor] = React.useState<string | null>(null);
  // The outcome of the last list request, tagged with what it was for: any
  // newer request key means a load is under way.
  const [outcome, setOutcome] = React.useState<{ key: string; state: ListState } | null>(null);
  const [loadingMore, setLoadingMore] = React.useState(false);
  const [editingId, setEditingId] = React.useState<string | null>(null);
  // Bumped to restart the editor from the task's latest version (after a 412).
  const [editorGeneration, setEditorGeneration] = React.useState(0);
  const [busyIds, setBusyIds] = React.useState<ReadonlySet<string>>(new Set());
  const [outage, setOutage] = React.useState<string | null>(null);
  const [reloadKey, setReloadKey] = React.useState(0);
  const etags = React.useRef(new Map<string, string>());
  const [knownCategories, setKnownCategories] = React.useState<string[]>([]);

  const rememberCategories = React.useCallback((items: Task[]) => {
    setKnownCategories((current) => {
      const all = new Set(current);
      for (const t of items) if (t.category) all.add(t.category);
      return all.size === current.length ? current : [...all].sort((a, b) => a.localeCompare(b));
    });
  }, []);

  /** What every failed call does before its caller decides the rest. */
  const handleCommon = React.useCallback(
    (error: ApiError): boolean => {
      if (error.kind === "signed_out") {
        apiTokens.clear();
        router.replace("/sign-in?next=/dashboard");
        return true;
      }
      if (error.kind === "unavailable") {
        setOutage(error.message);
        return true;
      }
      return false;
    },
    [router],
  );

  const requestKey = `${JSON.stringify(filters)}#${reloadKey}`;
  const list: ListState = outcome?.key === requestKey ? outcome.state : { status: "loading" };

  // Load the first page whenever the filters change (or on "Retry").
  React.useEffect(() => {
    let cancelled = false;
    const key = `${JSON.stringify(filters)}#${reloadKey}`;
    api
      .list(toQuery(filters))
      .then((page) => {
        if (cancelled) return;
        setTasks(page.tasks);
        setNextCursor(page.nextCursor);
        rememberCategories(page.tasks);
        setOutcome({ key, state: { status: "ready" } });
        setOutage(null);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        const error = asApiError(e);
        // The error state below says it all; the outage banner is for failed changes.
        if (error.kind === "signed_out") handleCommon(error);
        setOutcome({ key, state: { status: "error", error } });
      });
    return () => {
      cancelled = true;
    };
  }, [api, filters, reloadKey, handleCommon, rememberCategories]);

  const reload = () => setReloadKey((k) => k + 1);

  async function loadMore() {
    if (!nextCursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api.list({ ...toQuery(filters), cursor: nextCursor });
      setTasks((current) => {
        const seen = new Set(current.map((t) => t.id));
        return [...current, ...page.tasks.filter((t) => !seen.has(t.id))];
      });
      setNextCursor(page.nextCursor);
      rememberCategories(page.tasks);
    } catch (e) {
      const error = asApiError(e);
      if (!handleCommon(error))
        toast({ title: "Could not load more tasks", description: error.message, variant: "destructive" });
    } finally {
      setLoadingMore(false);
    }
  }

  const setBusy = (id: string, busy: boolean) =>
    setBusyIds((current) => {
      const next = new Set(current);
      if (busy) next.add(id);
      else next.delete(id);
      return next;
    });

  const replaceTask = (task: Task, etag: string | null) => {
    if (etag) etags.current.set(task.id, etag);
    else etags.current.delete(task.id);
    setTasks((current) => current.map((t) => (t.id === task.id ? task : t)));
    rememberCategories([task]);
  };

  const dropTask = (id: string) => {
    etags.current.delete(id);
    setTasks((current) => current.filter((t) => t.id !== id));
  };

  async function createTask(draft: TaskDraft): Promise<Record<string, string> | null> {
    try {
      const { task, etag } = await api.create(newTaskFromDraft(draft));
      if (etag) etags.current.set(task.id, etag);
      rememberCategories([task]);
      setOutage(null);
      // The first page is re-read so the new task lands where the sort puts it.
      reload();
      return null;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return {};
      if (error.kind === "validation") {
        const fields = error.fieldErrors();
        return Object.keys(fields).length > 0 ? fields : { title: error.message };
      }
      toast({ title: "Could not add the task", description: error.message, variant: "destructive" });
      return {};
    }
  }

  async function startEditing(task: Task) {
    setEditingId(task.id);
    // Fetch the current version: its ETag guards the save against changes
    // made elsewhere since the list was read.
    try {
      const fresh = await api.get(task.id);
      replaceTask(fresh.task, fresh.etag);
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") {
        dropTask(task.id);
        setEditingId(null);
        toast({ title: "That task no longer exists", description: "It was deleted elsewhere." });
      } else {
        handleCommon(error);
      }
    }
  }

  async function saveTask(original: Task, draft: TaskDraft): Promise<Record<string, string> | null> {
    const patch = patchFromDraft(original, draft);
    if (Object.keys(patch).length === 0) {
      setEditingId(null);
      return null;
    }
    try {
      const { task, etag } = await api.update(original.id, patch, etags.current.get(original.id) ?? null);
      replaceTask(task, etag);
      setEditingId(null);
      setOutage(null);
      return null;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return {};
      switch (error.kind) {
        case "conflict":
          await reloadAfterConflict(original.id);
          return {};
        case "not_found":
          dropTask(original.id);
          setEditingId(null);
          toast({ title: "That task no longer exists", description: "It was deleted elsewhere." });
          return null;
        case "validation": {
          const fields = error.fieldErrors();
          return Object.keys(fields).length > 0 ? fields : { title: error.message };
        }
        default:
          toast({ title: "Could not save the task", description: error.message, variant: "destructive" });
          return {};
      }
    }
  }

  async function reloadAfterConflict(id: string) {
    try {
      const fresh = await api.get(id);
      replaceTask(fresh.task, fresh.etag);
      setEditorGeneration((g) => g + 1);
      toast({
        title: "This task was changed elsewhere",
        description: "Your edit was not saved. The latest version is shown; make your change again.",
        variant: "destructive",
      });
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") {
        dropTask(id);
        setEditingId(null);
        toast({ title: "That task no longer exists", description: "It was deleted elsewhere." });
      } else {
        handleCommon(error);
      }
    }
  }

  async function toggleTask(task: Task) {
    setBusy(task.id, true);
    try {
      const { task: updated, etag } = await api.setCompleted(task.id, !task.completed);
      if (matchesStatus(updated, filters)) replaceTask(updated, etag);
      else dropTask(updated.id);
      setOutage(null);
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return;
      if (error.kind === "not_found") {
        dropTask(task.id);
        toast({ title: "That task no longer exists", description: "It was deleted elsewhere." });
      } else {
        toast({ title: "Could not update the task", description: error.message, variant: "destructive" });
      }
    } finally {
      setBusy(task.id, false);
    }
  }

  async function deleteTask(task: Task) {
    setBusy(task.id, true);
    try {
      await api.remove(task.id);
      dropTask(task.id);
      setOutage(null);
      toast({ title: "Task deleted", description: `“${task.title}” is gone.` });
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") {
        dropTask(task.id);
      } else if (!handleCommon(error)) {
        toast({ title: "Could not delete the task", description: error.message, variant: "destructive" });
      }
    } finally {
      setBusy(task.id, false);
    }
  }

  const filtered = isFiltered(filters);

  return (
    <div className="grid gap-4">
      {outage ? (
        <Alert variant="warning" aria-live="assertive">
          <AlertTriangle aria-hidden />
          <div className="flex flex-1 flex-wrap items-center justify-between gap-2">
            <div>
              <p className="font-medium">{outage}</p>
              <p className="text-muted-foreground">Your changes were not lost; try again in a moment.</p>
            </div>
            <Button
              variant="outline"
              size="sm"
              onClick={() => {
                setOutage(null);
                reload();
              }}
            >
              <RefreshCw aria-hidden />
              Retry
            </Button>
          </div>
        </Alert>
      ) : null}

      <TaskComposer onCreate={createTask} categories={knownCategories} />
      <TaskFilters
        filters={filters}
        onChange={(patch) => setFilters((f) => ({ ...f, ...patch }))}
        categories={knownCategories}
      />

      <section
        aria-label="Tasks"
        aria-busy={list.status === "loading"}
        className={cn("grid gap-2 transition-opacity", list.status === "loading" && outcome && "opacity-60")}
      >
        {list.status === "loading" && !outcome ? (
          <LoadingRows />
        ) : list.status === "error" ? (
          <ErrorState error={list.error} onRetry={reload} />
        ) : tasks.length === 0 && list.status === "ready" ? (
          <EmptyState filtered={filtered} onClear={() => setFilters((f) => ({ ...DEFAULT_FILTERS, sort: f.sort }))} />
        ) : (
          <ul className="grid gap-2" aria-label="Task list">
            {tasks.map((task) => (
              <li key={task.id}>
                {editingId === task.id ? (
                  <TaskEditor
                    key={`${task.id}:${editorGeneration}`}
                    task={task}
                    categories={knownCategories}
                    onSave={(draft) => saveTask(task, draft)}
                    onCancel={() => setEditingId(null)}
                  />
                ) : (
                  <TaskItem
                    task={task}
                    busy={busyIds.has(task.id)}
                    onToggle={toggleTask}
                    onEdit={startEditing}
                    onDelete={deleteTask}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        {list.status !== "error" && nextCursor ? (
          <Button variant="outline" className="justify-self-center" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? <Loader2 className="animate-spin" aria-hidden /> : null}
            {loadingMore ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </section>
    </div>
  );
}

function LoadingRows() {
  return (
    <div className="grid gap-2" role="status" aria-label="Loading tasks">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex animate-pulse items-start gap-3 rounded-lg border bg-card p-4">
          <div className="size-5 rounded bg-muted" />
          <div className="grid flex-1 gap-2">
            <div className="h-4 w-2/3 rounded bg-muted" />
            <div className="h-3 w-1/3 rounded bg-muted" />
          </div>
        </div>
      ))}
      <span className="sr-only">Loading tasks…</span>
    </div>
  );
}

function EmptyState({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  const Icon = filtered ? SearchX : ClipboardList;
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center">
      <Icon className="size-10 text-muted-foreground" aria-hidden />
      {filtered ? (
        <>
          <p className="font-medium">No tasks match these filters</p>
          <p className="text-sm text-muted-foreground">Try another search or clear the filters.</p>
          <Button variant="outline" size="sm" onClick={onClear}>
            Clear filters
          </Button>
        </>
      ) : (
        <>
          <p className="font-medium">No tasks yet</p>
          <p className="text-sm text-muted-foreground">Add your first task above; it will show up here.</p>
        </>
      )}
    </div>
  );
}

function ErrorState({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <div
      className="flex flex-col items-center gap-2 rounded-lg border border-destructive/40 px-6 py-12 text-center"
      role="alert"
    >
      <AlertTriangle className="size-10 text-destructive" aria-hidden />
      <p className="font-medium">Your tasks could not be loaded</p>
      <p className="text-sm text-muted-foreground">{error.message}</p>
      <Button variant="outline" size="sm" onClick={onRetry}>
        <RefreshCw aria-hidden />
        Try again
      </Button>
    </div>
  );
}
