"use client";

/**
 * Quick add and the keyboard shortcuts, mounted once for the signed-in app
 * (in the top bar, components/nav-bar.tsx): the "Quick add" and "Keyboard
 * shortcuts" buttons, their dialogs, and the keys of hooks/use-keyboard-
 * shortcuts.ts. The task keys (j / k, J / K, Enter, e, x, # or Delete, t, T) act on
 * the row selected (hooks/use-task-selection.ts) through the dashboard's own
 * actions, and are live only while the dashboard is shown.
 */
import { useQueryClient } from "@tanstack/react-query";
import { Keyboard, Plus } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import * as React from "react";

import { QuickAddDialog } from "@/components/quick-add/quick-add-dialog";
import { ShortcutsDialog } from "@/components/shortcuts/shortcuts-dialog";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/sonner";
import { useKeyboardShortcuts, type ShortcutHandlers } from "@/hooks/use-keyboard-shortcuts";
import { labelKeys, useCreateLabel, useLabels } from "@/hooks/use-labels";
import { useLists } from "@/hooks/use-lists";
import { usePreferences, useTimeZone } from "@/hooks/use-preferences";
import {
  chosenTaskIds,
  clearChosen,
  extendChoice,
  moveSelection,
  selectTask,
  selectedTaskId,
  selectedTaskRow,
  useSelectionFollowsFocus,
  useTaskShortcutTargetValue,
  type TaskShortcutTarget,
} from "@/hooks/use-task-selection";
import { useCreateTask, useTasksApi } from "@/hooks/use-tasks";
import { apiTokens } from "@/lib/api-token";
import { quickAddToCreateBody, type QuickAddContext, type QuickAddResult } from "@/lib/quick-add";
import { ApiError, type Label } from "@/lib/tasks-api";

/** The dashboard's search field (components/tasks/task-filters.tsx). */
const SEARCH_FIELD = "task-search";

const INBOX = "/dashboard";
const TODAY = "/dashboard?view=today";
const UPCOMING = "/dashboard?view=upcoming";

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("unexpected", "Something went wrong. Please try again.");
}

/** The first message the API gave for a field, else its own. */
const detailOf = (error: ApiError) => Object.values(error.fieldErrors())[0] ?? error.message;

function browserLocale(): string {
  return typeof navigator !== "undefined" && navigator.language ? navigator.language : "en-US";
}

/** How quick add reads a line for this user: their zone and week start, the browser's locale, their lists and labels. */
function useQuickAddContext(userId: string): Omit<QuickAddContext, "now"> {
  const timeZone = useTimeZone(userId);
  const weekStart = usePreferences(userId).data?.value.week_start ?? "monday";
  const lists = useLists(userId).data;
  const labels = useLabels(userId).data;
  const [locale] = React.useState(browserLocale);
  return React.useMemo(
    () => ({
      timeZone,
      weekStart,
      locale,
      lists: (lists ?? []).map(({ id, name }) => ({ id, name })),
      labels: (labels ?? []).map(({ id, name }) => ({ id, name })),
    }),
    [timeZone, weekStart, locale, lists, labels],
  );
}

/**
 * Creates what a quick-add line says: its new labels first (the task refers
 * to labels by id), then the task. Resolves false, after a toast saying why,
 * when something was refused: the line stays in the dialog to try again.
 */
function useQuickAddSubmit(userId: string, onSignedOut: () => void) {
  const client = useQueryClient();
  const api = useTasksApi(userId);
  const createLabel = useCreateLabel(userId);
  const createTask = useCreateTask(userId);
  const lists = useLists(userId).data;

  /** A label of that name made meanwhile (another tab, or an earlier try that stopped half way). */
  async function existingLabel(name: string): Promise<Label | undefined> {
    const labels = await api.labels();
    client.setQueryData(labelKeys.all(userId), labels);
    return labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  return async function submit(result: QuickAddResult): Promise<boolean> {
    const created: Record<string, string> = {};
    let stage: "label" | "task" = "label";
    try {
      for (const label of result.labels) {
        if (label.id || !label.isNew || created[label.name]) continue;
        try {
          created[label.name] = (await createLabel.mutateAsync({ name: label.name })).id;
        } catch (e) {
          const found = await existingLabel(label.name).catch(() => undefined);
          if (!found) throw e;
          created[label.name] = found.id;
        }
      }
      stage = "task";
      const { task } = await createTask.mutateAsync(quickAddToCreateBody(result, created));
      const list = lists?.find((l) => l.id === task.list_id);
      toast.success(`Added “${task.title}”`, { description: list ? `In ${list.name}.` : undefined });
      return true;
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "signed_out") {
        onSignedOut();
        return false;
      }
      toast.error(stage === "label" ? "Could not create the label" : "Could not add the task", {
        description: detailOf(error),
      });
      return false;
    }
  };
}

/** Runs `act` on the selected task when the dashboard can, and it is not busy. */
function withSelected(target: TaskShortcutTarget | null, act: (target: TaskShortcutTarget, id: string) => void) {
  return () => {
    const id = selectedTaskId();
    if (!target || !id || !selectedTaskRow() || target.busy(id)) return;
    act(target, id);
  };
}

/** Focuses the search field once it is on the page (after going to a list, where it is). */
function focusWhenShown(id: string, timeoutMs = 10_000): () => void {
  const found = () => {
    const field = document.getElementById(id);
    if (!field) return false;
    field.focus();
    return true;
  };
  if (found()) return () => undefined;
  const observer = new MutationObserver(() => {
    if (found()) stop();
  });
  const timer = window.setTimeout(() => stop(), timeoutMs);
  function stop() {
    observer.disconnect();
    window.clearTimeout(timer);
  }
  observer.observe(document.body, { childList: true, subtree: true });
  return stop;
}

export function AppShortcuts({ userId }: { userId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [quickAddOpen, setQuickAddOpen] = React.useState(false);
  const [helpOpen, setHelpOpen] = React.useState(false);
  const context = useQuickAddContext(userId);
  const submit = useQuickAddSubmit(userId, () => {
    apiTokens.clear();
    router.replace(`/sign-in?next=${encodeURIComponent(pathname || "/dashboard")}`);
  });
  const target = useTaskShortcutTargetValue();
  useSelectionFollowsFocus();

  const stopWaiting = React.useRef<() => void>(() => undefined);
  React.useEffect(() => () => stopWaiting.current(), []);

  const go = (href: string) => {
    selectTask(null);
    router.push(href);
  };

  const general: ShortcutHandlers = {
    quickAdd: () => setQuickAddOpen(true),
    help: () => setHelpOpen(true),
    search: () => {
      stopWaiting.current();
      if (!document.getElementById(SEARCH_FIELD)) go(INBOX);
      stopWaiting.current = focusWhenShown(SEARCH_FIELD);
    },
    goInbox: () => go(INBOX),
    goToday: () => go(TODAY),
    goUpcoming: () => go(UPCOMING),
    close: (event) => {
      // Dialogs and the editor close themselves (and say so with preventDefault); this is the rest.
      const field = event.target instanceof HTMLElement ? event.target : null;
      if (field?.id === SEARCH_FIELD) {
        const row = selectedTaskRow();
        if (row) row.focus();
        else field.blur();
        return;
      }
      if (chosenTaskIds().size > 0) {
        clearChosen();
        return;
      }
      if (selectedTaskId()) {
        selectTask(null);
        const focused = document.activeElement;
        if (focused instanceof HTMLElement && focused.matches("[data-task-id]")) focused.blur();
      }
    },
  };
  const tasks: ShortcutHandlers = target
    ? {
        next: () => void moveSelection(1),
        previous: () => void moveSelection(-1),
        extendNext: () => extendChoice(1),
        extendPrevious: () => extendChoice(-1),
        open: withSelected(target, (t, id) => {
          const task = t.find(id);
          if (task) t.edit(task);
        }),
        edit: withSelected(target, (t, id) => {
          const task = t.find(id);
          if (task) t.edit(task);
        }),
        complete: withSelected(target, (t, id) => {
          const task = t.find(id);
          if (task) t.toggle(task);
        }),
        delete: withSelected(target, () => {
          // The row's own confirmation, as its Delete button opens it.
          selectedTaskRow()?.querySelector<HTMLButtonElement>('[data-action="delete"]')?.click();
        }),
        dueToday: withSelected(target, (t, id) => {
          const task = t.find(id);
          if (task) t.dueIn(task, 0);
        }),
        dueTomorrow: withSelected(target, (t, id) => {
          const task = t.find(id);
          if (task) t.dueIn(task, 1);
        }),
      }
    : {};
  useKeyboardShortcuts({ ...general, ...tasks });

  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        className="px-2 sm:px-3"
        onClick={() => setQuickAddOpen(true)}
        aria-keyshortcuts="q"
        aria-haspopup="dialog"
        title="Quick add (q)"
      >
        <Plus aria-hidden />
        <span className="sr-only sm:not-sr-only">Quick add</span>
      </Button>
      <Button
        variant="ghost"
        size="sm"
        className="hidden px-2 sm:inline-flex"
        onClick={() => setHelpOpen(true)}
        aria-keyshortcuts="?"
        aria-haspopup="dialog"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
      >
        <Keyboard aria-hidden />
      </Button>
      <QuickAddDialog open={quickAddOpen} onOpenChange={setQuickAddOpen} context={context} onSubmit={submit} />
      <ShortcutsDialog open={helpOpen} onOpenChange={setHelpOpen} />
    </>
  );
}
