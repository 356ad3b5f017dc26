"use client";

import { ListDrawer } from "@/components/lists/list-drawer";
import { ListSidebar } from "@/components/lists/list-sidebar";
import { LiveIndicator } from "@/components/live/live-indicator";
import { useLiveChanges } from "@/hooks/use-live-changes";
import { useTaskBoard } from "@/hooks/use-task-board";
import { useTaskShortcutTarget } from "@/hooks/use-task-selection";

import { BulkBar, SelectModeToggle } from "./bulk-bar";
import { DateView } from "./date-views";
import { OutageBanner } from "./outage-banner";
import { SortableTasks } from "./sortable-tasks";
import { TaskComposer } from "./task-composer";
import { TaskFilters } from "./task-filters";
import { TaskList } from "./task-list";

export const VIEW_NAMES = { today: "Today", upcoming: "Upcoming" } as const;

/**
 * The dashboard: the lists (a sidebar, a drawer on phones) and the chosen
 * list's composer, filters and tasks, wired to the board's state
 * (hooks/use-task-board.ts).
 */
export function TaskBoard({ userId }: { userId: string }) {
  const board = useTaskBoard(userId);
  // Once per tab: changes made elsewhere are applied to the cache as they happen.
  const live = useLiveChanges(userId, board.editingId);
  // The keyboard shortcuts (components/shortcuts/app-shortcuts.tsx) act on the tasks through the board.
  useTaskShortcutTarget(board);
  return (
    // The top level's drag context holds the sidebar too: a task dropped on a list moves there.
    <SortableTasks board={board} tasks={board.list.tasks} depth={0} ordered={board.manualOrder}>
      <div className="grid gap-6 md:grid-cols-[14rem_minmax(0,1fr)]">
        <aside className="hidden md:block">
          <ListSidebar board={board} dropTargets />
        </aside>
        <div className="grid content-start gap-4">
          <div className="flex items-center gap-3">
            <ListDrawer board={board} />
            <h2 className="text-lg font-semibold" data-testid="current-list">
              {board.view ? VIEW_NAMES[board.view] : (board.currentList?.name ?? "All tasks")}
            </h2>
            <LiveIndicator status={live} className="ml-auto" />
            <SelectModeToggle />
          </div>
          <BulkBar board={board} />
          {board.outage ? <OutageBanner message={board.outage} onRetry={board.retry} /> : null}
          <TaskComposer onCreate={board.create} zone={board.zone} />
          {board.view ? (
            <DateView board={board} />
          ) : (
            <>
              <TaskFilters
                filters={board.filters}
                onChange={board.changeFilters}
                labels={board.labels.data}
                chosenLabels={board.labelFilters}
                onLabelsChange={board.setLabelFilters}
                onClear={board.clearFilters}
              />
              <TaskList board={board} />
            </>
          )}
          <p className="sr-only" role="status" aria-live="polite">
            {board.announcement}
          </p>
        </div>
      </div>
    </SortableTasks>
  );
}
