"use client";

/**
 * The dashboard's state and what each of its controls does: the filters,
 * the list they select, which task is being edited, and the answer to every
 * failure (a field error in the form, a toast, the outage banner, or a trip
 * to the sign-in page). The data itself comes from hooks/use-tasks.ts.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import * as React from "react";

import { DEFAULT_FILTERS, isFiltered, type Filters } from "@/components/tasks/task-filters";
import { newTaskFromDraft, patchFromDraft, type TaskDraft } from "@/components/tasks/task-draft";
import { toast } from "@/components/ui/sonner";
import { apiTokens } from "@/lib/api-token";
import { describeRecurrence } from "@/lib/recurrence/describe";
import { SORT_CHOICES } from "@/lib/task-format";
import { ApiError, type Task, type TaskMove, type TaskQuery, type TasksApi } from "@/lib/tasks-api";
import { moveBackTarget } from "@/lib/undo";
import { dueInWords, moveToDay, startOfDay, todayIn, type DayKey } from "@/lib/zoned-date";

import {
  dropTask,
  useBusyTaskIds,
  useCreateTask,
  useDeleteTask,
  useFetchLatestTask,
  useMoveTask,
  useRestoreTask,
  useTaskBatch,
  useTaskList,
  useTasksApi,
  useToggleTask,
  useUndoCompletion,
  useUpdateTask,
} from "./use-tasks";
import { useAdoptBrowserTimeZone, useTimeZone } from "./use-preferences";
import { useCreateLabel, useLabels } from "./use-labels";
import { useLists } from "./use-lists";

const PAGE_SIZE = 20;

/** The date views in the sidebar, above the lists (`?view=`). */
export type BoardView = "today" | "upcoming";
const VIEWS: readonly BoardView[] = ["today", "upcoming"];

/** How many days Upcoming shows, today first. */
export const UPCOMING_DAYS = 7;

/**
 * A date view's query: open tasks at every level, soonest first, a hundred a
 * page. Today's is also the sidebar's count, so the two share one read.
 */
export function viewQuery(view: BoardView, labels?: readonly string[]): TaskQuery {
  return {
    view,
    ...(view === "upcoming" ? { days: UPCOMING_DAYS } : {}),
    sort: "due_at",
    order: "asc",
    limit: 100,
    ...(labels && labels.length > 0 ? { label: [...labels].sort() } : {}),
  };
}

/** A top-level task and three levels of subtasks below it, as the API allows. */
export const MAX_DEPTH = 3;

/** Field errors for a form to show, keyed by the API's field names; null when it worked. */
export type FormOutcome = Record<string, string> | null;

function toQuery(filters: Filters): TaskQuery {
  const sort = SORT_CHOICES.find((c) => c.value === filters.sort) ?? SORT_CHOICES[0]!;
  return {
    // Subtasks are shown under their parents, each level read when shown.
    parent_id: "none",
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

/** "every week on Monday", as said after "repeats". */
const describeLower = (task: Task) => {
  const words = describeRecurrence(task.recurrence ?? "", task.recurrence_basis);
  return words.charAt(0).toLowerCase() + words.slice(1);
};

const goneElsewhere = () => toast("That task no longer exists", { description: "It was deleted elsewhere." });

/** How long a toast offers its Undo. */
export const UNDO_MS = 6_000;
/**
 * The one toast that offers an Undo: each new change replaces it (Undo takes
 * back the latest change), so a run of moves does not stack toasts over the rows.
 */
export const UNDO_TOAST = "undo";

/** A task's open subtasks, at every level below it. */
export async function openDescendants(api: TasksApi, task: Task): Promise<Task[]> {
  const children = await readLevel(api, task.list_id, task.id);
  const deeper = await Promise.all(children.filter((c) => c.subtasks.total > 0).map((c) => openDescendants(api, c)));
  return [...children.filter((c) => !c.completed), ...deeper.flat()];
}

/** The tasks of one level (a list's top level, or a parent's subtasks), in position order, every page. */
export async function readLevel(api: TasksApi, listId: string, parentId: string | null): Promise<Task[]> {
  const query: TaskQuery = {
    list_id: listId,
    parent_id: parentId ?? "none",
    sort: "position",
    order: "asc",
    limit: 100,
  };
  const tasks: Task[] = [];
  let cursor: string | null = null;
  // A level rarely holds more than a page; the bound only guards against a cursor that never ends.
  for (let page = 0; page < 50; page++) {
    const read = await api.list(cursor ? { ...query, cursor } : query);
    tasks.push(...read.tasks);
    cursor = read.nextCursor;
    if (!cursor) break;
  }
  return tasks;
}

export function useTaskBoard(userId: string) {
  const router = useRouter();
  const client = useQueryClient();
  const [filters, setFilters] = React.useState<Filters>(DEFAULT_FILTERS);
  // The list on show is in the address (?list=<id>), so it survives a reload and can be shared; none means the Inbox.
  const searchParams = useSearchParams();
  const requestedList = searchParams.get("list");
  // Or a date view (?view=today|upcoming), which shows tasks from every list.
  const requestedView = searchParams.get("view");
  const view = VIEWS.find((v) => v === requestedView) ?? null;
  const zone = useTimeZone(userId);
  useAdoptBrowserTimeZone(userId);
  // Labels chosen in the sidebar or the filters (?label=<id>&label=<id>) narrow the list to the
  // tasks carrying all of them; in the address, so they survive a reload.
  const requestedLabels = searchParams.getAll("label").join(",");
  const labels = useLabels(userId);
  const labelsById = React.useMemo(() => new Map((labels.data ?? []).map((l) => [l.id, l])), [labels.data]);
  // Once the labels are known, one deleted elsewhere no longer filters.
  const labelFilters = React.useMemo(() => {
    const ids = [...new Set(requestedLabels.split(",").filter(Boolean))];
    return labels.data ? ids.filter((id) => labelsById.has(id)) : ids;
  }, [requestedLabels, labels.data, labelsById]);
  const createLabelMutation = useCreateLabel(userId);
  const lists = useLists(userId);
  const currentList = view
    ? null
    : (lists.data?.find((l) => l.id === requestedList) ?? lists.data?.find((l) => l.is_inbox) ?? null);
  const listId = currentList?.id;
  const query = React.useMemo(
    () =>
      view
        ? viewQuery(view, labelFilters)
        : {
            ...toQuery(filters),
            list_id: listId,
            label: labelFilters.length > 0 ? [...labelFilters].sort() : undefined,
          },
    [view, filters, listId, labelFilters],
  );
  // Tasks are read once the list is known (or known to be unreadable: then from every list), and
  // the labels too when some are chosen.
  const list = useTaskList(userId, query, !lists.isPending && (labelFilters.length === 0 || !labels.isPending));

  /** The dashboard's address: the list on show and the labels chosen. */
  const addressWith = React.useCallback(
    (labelIds: readonly string[]): string => {
      const params = new URLSearchParams();
      const listParam = currentList ? (currentList.is_inbox ? null : currentList.id) : requestedList;
      if (view) params.set("view", view);
      else if (listParam) params.set("list", listParam);
      for (const id of labelIds) params.append("label", id);
      const search = params.toString();
      return search ? `/dashboard?${search}` : "/dashboard";
    },
    [currentList, requestedList, view],
  );
  const setLabelFilters = (labelIds: readonly string[]) =>
    router.push(addressWith([...new Set(labelIds)]), { scroll: false });
  const busyIds = useBusyTaskIds(userId);
  const createTask = useCreateTask(userId);
  const updateTask = useUpdateTask(userId);
  const toggleTask = useToggleTask(userId);
  const deleteTask = useDeleteTask(userId);
  const fetchLatest = useFetchLatestTask(userId);
  const moveTask = useMoveTask(userId);
  const undoCompletion = useUndoCompletion(userId);
  const restoreTask = useRestoreTask(userId);
  const batch = useTaskBatch(userId);
  const api = useTasksApi(userId);

  const [editingId, setEditingId] = React.useState<string | null>(null);
  // The parents whose subtasks are hidden (shown by default), and the task a subtask is being added to.
  const [collapsed, setCollapsed] = React.useState<ReadonlySet<string>>(() => new Set());
  const [addingSubtaskTo, setAddingSubtaskTo] = React.useState<string | null>(null);
  // Said to screen readers (an aria-live region) after a move, which they would not notice otherwise.
  const [announcement, setAnnouncement] = React.useState("");
  // The task moved from the keyboard or a button, which takes the focus back once it is shown again.
  const [focusId, setFocusId] = React.useState<string | null>(null);
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
      const input = newTaskFromDraft(draft, zone);
      // Added in Today or Upcoming without a date: due today (all day), so it shows up there.
      if (view && !input.due_at) {
        input.due_at = startOfDay(todayIn(zone), zone).toISOString();
        input.due_all_day = true;
      }
      // Added while labels are chosen: it carries them, so it shows up here.
      if (labelFilters.length > 0) input.labels = [...new Set([...(input.labels ?? []), ...labelFilters])];
      await createTask.mutateAsync({ ...input, list_id: listId });
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
    const patch = patchFromDraft(original, draft, zone);
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
      // Completing a parent completes its open subtasks too: which were open is read first, so Undo reopens them.
      const reopenToo =
        !task.completed && !task.recurrence && task.subtasks.total > 0 ? await openDescendants(api, task) : [];
      const { task: after } = await toggleTask.mutateAsync(task);
      worked();
      // A repeating task stays open with its next date: say which, with a way back.
      if (!task.completed && task.recurrence && !after.completed && after.due_at) {
        const next = dueInWords(after, zone);
        setAnnouncement(`“${after.title}” is done for now. Next: ${next}.`);
        toast(`Next: ${next}`, {
          description: `“${after.title}” repeats ${describeLower(after)}.`,
          action: { label: "Undo", onClick: () => void undo(after) },
          duration: UNDO_MS,
        });
      } else if (!task.completed && after.completed) {
        toast("Task completed", {
          id: UNDO_TOAST,
          description: `“${after.title}” is done.`,
          action: {
            label: "Undo",
            onClick: () =>
              reopenToo.length === 0
                ? void undo(after)
                : void undoWith(task, async () => {
                    await batch.mutateAsync([task, ...reopenToo].map((t) => ({ op: "reopen" as const, id: t.id })));
                    setAnnouncement(`“${task.title}” and its subtasks are open again.`);
                  }),
          },
          duration: UNDO_MS,
        });
      }
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

  /** Takes back the completion of a repeating task: its previous due date returns. */
  async function undo(task: Task) {
    try {
      const { task: restored } = await undoCompletion.mutateAsync(task);
      worked();
      const due = restored.due_at ? ` It is due ${dueInWords(restored, zone)} again.` : "";
      setAnnouncement(`Completion of “${restored.title}” undone.${due}`);
      toast("Completion undone", {
        description: `“${restored.title}”${due ? ` is due ${dueInWords(restored, zone)}` : ""}.`,
      });
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return;
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else {
        toast.error("Could not undo", { description: error.message });
      }
    }
  }

  /**
   * Upcoming's drag (and the t / T keys): the task's due date moves to that
   * day (an all-day task stays all day, a timed one keeps its time of day;
   * one without a date becomes due that day, all day). It is read first and
   * saved with If-Match, so a change made elsewhere since is not overwritten.
   */
  async function moveToDate(task: Task, day: DayKey) {
    const due_at = moveToDay(task, day, zone);
    if (task.due_at && Date.parse(due_at) === Date.parse(task.due_at)) return;
    try {
      const latest = await fetchLatest(task.id);
      if (latest.task.updated_at !== task.updated_at) {
        toast.error("This task was changed elsewhere", {
          description: "It was not moved. The latest version is shown; move it again if you still want to.",
        });
        return;
      }
      const patch = task.due_at ? { due_at } : { due_at, due_all_day: true };
      const { task: moved } = await updateTask.mutateAsync({ id: task.id, patch });
      worked();
      setAnnouncement(`“${moved.title}” is now due ${dueInWords(moved, zone)}.`);
      toast(`Due ${dueInWords(moved, zone)}`, {
        id: UNDO_TOAST,
        description: `“${moved.title}” was moved.`,
        action: {
          label: "Undo",
          onClick: () =>
            void undoWith(task, async () => {
              await updateTask.mutateAsync({
                id: task.id,
                patch: { due_at: task.due_at, due_all_day: task.due_all_day },
              });
            }),
        },
        duration: UNDO_MS,
      });
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return;
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else if (error.kind === "conflict") {
        void fetchLatest(task.id).catch(() => undefined);
        toast.error("This task was changed elsewhere", {
          description: "It was not moved. The latest version is shown; move it again if you still want to.",
        });
      } else {
        toast.error("Could not move the task", { description: error.message });
      }
    }
  }

  async function remove(task: Task) {
    try {
      await deleteTask.mutateAsync(task);
      worked();
      toast("Task deleted", {
        id: UNDO_TOAST,
        description: `“${task.title}” is in the trash.`,
        action: {
          label: "Undo",
          onClick: () =>
            void undoWith(task, async () => {
              await restoreTask.mutateAsync(task.id);
              setAnnouncement(`“${task.title}” is back.`);
            }),
        },
        duration: UNDO_MS,
      });
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "not_found") forget(task.id);
      else if (!handleCommon(error)) toast.error("Could not delete the task", { description: error.message });
    }
  }

  function setExpanded(id: string, expanded: boolean) {
    setCollapsed((current) => {
      if (current.has(id) !== expanded) return current;
      const next = new Set(current);
      if (expanded) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function addSubtask(parent: Task, title: string): Promise<FormOutcome> {
    try {
      await createTask.mutateAsync({ title: title.trim(), parent_id: parent.id });
      setExpanded(parent.id, true);
      worked();
      setAnnouncement(`Added “${title.trim()}” under “${parent.title}”.`);
      return null;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return {};
      if (error.kind === "validation") {
        const fields = error.fieldErrors();
        return { title: fields.title ?? fields.parent_id ?? error.message };
      }
      if (error.kind === "not_found") {
        forget(parent.id);
        goneElsewhere();
        return null;
      }
      toast.error("Could not add the subtask", { description: error.message });
      return {};
    }
  }

  /** Runs an Undo; what fails says so in a toast. */
  async function undoWith(task: Task, act: () => Promise<void>): Promise<void> {
    try {
      await act();
      worked();
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return;
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else {
        toast.error("Could not undo", { description: Object.values(error.fieldErrors())[0] ?? error.message });
      }
    }
  }

  /** Puts a moved task back where it was: its old list and parent, next to its old neighbour. */
  async function moveBack(original: Task) {
    const siblings = await readLevel(api, original.list_id, original.parent_id);
    await moveTask.mutateAsync({ task: original, to: moveBackTarget(original, siblings) });
    setAnnouncement(`“${original.title}” is back in its place.`);
    setFocusId(original.id);
  }

  /** One move through the API; `said` is what screen readers hear once it is done. */
  async function move(task: Task, to: TaskMove, said: string): Promise<boolean> {
    try {
      await moveTask.mutateAsync({ task, to });
      worked();
      setAnnouncement(said);
      setFocusId(task.id);
      toast("Task moved", {
        id: UNDO_TOAST,
        description: said,
        action: { label: "Undo", onClick: () => void undoWith(task, () => moveBack(task)) },
        duration: UNDO_MS,
      });
      return true;
    } catch (e) {
      const error = asApiError(e);
      if (handleCommon(error)) return false;
      if (error.kind === "not_found") {
        forget(task.id);
        goneElsewhere();
      } else {
        const detail = Object.values(error.fieldErrors())[0] ?? error.message;
        toast.error("Could not move the task", { description: detail });
        setAnnouncement(`“${task.title}” was not moved: ${detail}`);
      }
      return false;
    }
  }

  /** Makes the task the last subtask of the sibling shown above it. */
  async function indent(task: Task, above: Task | undefined) {
    if (!above) {
      setAnnouncement(`“${task.title}” has no task above it to go under.`);
      return;
    }
    if (await move(task, { parent_id: above.id }, `“${task.title}” is now a subtask of “${above.title}”.`))
      setExpanded(above.id, true);
  }

  /** Puts the task right after its parent, at the parent's level. */
  async function outdent(task: Task, parent: Task | undefined) {
    if (!parent) {
      setAnnouncement(`“${task.title}” is already at the top level.`);
      return;
    }
    const level = parent.parent_id ? "one level up" : "at the top level";
    await move(
      task,
      { parent_id: parent.parent_id, after: parent.id },
      `“${task.title}” is now ${level}, after “${parent.title}”.`,
    );
  }

  /** Moves the task (with its subtasks) to the end of another list, at the top level there. */
  async function moveToList(task: Task, targetListId: string) {
    const target = lists.data?.find((l) => l.id === targetListId);
    if (!target || target.id === task.list_id) return;
    await move(task, { list_id: target.id }, `“${task.title}” moved to the list “${target.name}”.`);
  }

  /** Moves the task one place up or down among the siblings shown around it. */
  async function reorder(task: Task, siblings: readonly Task[], direction: -1 | 1) {
    const at = siblings.findIndex((t) => t.id === task.id);
    const neighbour = siblings[at + direction];
    if (at < 0 || !neighbour) {
      setAnnouncement(`“${task.title}” is already ${direction < 0 ? "first" : "last"}.`);
      return;
    }
    await placeNextTo(task, neighbour, direction < 0 ? "before" : "after");
  }

  /** Puts the task right before or after a sibling (a drop, or a key). */
  async function placeNextTo(task: Task, sibling: Task, where: "before" | "after") {
    const to: TaskMove = where === "before" ? { before: sibling.id } : { after: sibling.id };
    const said = where === "before" ? `moved up, before “${sibling.title}”` : `moved down, after “${sibling.title}”`;
    await move(task, to, `“${task.title}” ${said}.`);
  }

  function sayNotOrdered() {
    setAnnouncement("Choose “My order” in Sort to move tasks up and down.");
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
    /** Clears the search, status, priority and label filters (the sort stays). */
    clearFilters: () => {
      setFilters((f) => ({ ...DEFAULT_FILTERS, sort: f.sort }));
      if (labelFilters.length > 0) setLabelFilters([]);
    },
    /** Whether anything narrows the list (so an empty list says "no match", not "no tasks"). */
    filtered: (!view && isFiltered(filters)) || labelFilters.length > 0,
    /** The date view on show (Today, Upcoming), or null for a list. */
    view,
    /** The user's time zone: dates are shown, and typed, in it. */
    zone,
    moveToDate,
    list,
    busyIds,
    editingId,
    collapsed,
    setExpanded,
    addingSubtaskTo,
    startAddingSubtask: (task: Task) => {
      setAddingSubtaskTo(task.id);
      setExpanded(task.id, true);
    },
    stopAddingSubtask: () => setAddingSubtaskTo(null),
    addSubtask,
    indent,
    outdent,
    reorder,
    placeNextTo,
    moveToList,
    announcement,
    sayNotOrdered,
    focusId,
    focused: React.useCallback(() => setFocusId(null), []),
    userId,
    lists,
    currentList,
    labels,
    labelsById,
    /** The labels the list is narrowed to (a task must carry all of them), as in the address. */
    labelFilters,
    setLabelFilters,
    /** The address with these labels chosen (the list on show stays). */
    addressWith,
    /** Creates a label (from the editor's picker); resolves to it, or to a message saying why not. */
    createLabel: async (name: string): Promise<{ id: string } | { problem: string }> => {
      try {
        return await createLabelMutation.mutateAsync({ name: name.trim() });
      } catch (e) {
        const error = asApiError(e);
        return { problem: error.fieldErrors().name ?? error.message };
      }
    },
    /** Whether the top level is shown in the order chosen by hand (so moving up and down means something). */
    manualOrder: !view && filters.sort === "position:asc",
    editorGeneration,
    outage: visibleOutage,
    create,
    startEditing,
    cancelEditing: () => setEditingId(null),
    save,
    toggle,
    remove,
    /** Several changes at once (the selection bar), all or nothing. */
    batch,
    api,
    undoWith,
    handleCommon,
    worked,
    loadMore,
    retry,
  };
}

export type TaskBoardState = ReturnType<typeof useTaskBoard>;
