"use client";

import { Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import type { TaskBoardState } from "@/hooks/use-task-board";
import { cn } from "@/lib/utils";

import { TaskNode } from "./task-tree";
import { EmptyState, ErrorState, LoadingRows, RefreshFailed } from "./task-list-states";

/**
 * The tasks the filters select, one page after another. `aria-busy` is true
 * while a first page is read (a new filter, a retry, after adding a task).
 * Only another filter's tasks, kept on screen until the new ones arrive, are
 * dimmed: a background re-read (a change made elsewhere arriving live) must
 * not dim the list under the user's eyes, nor lower its contrast.
 */
export function TaskList({ board }: { board: TaskBoardState }) {
  const { list } = board;
  const loading = list.isFetching && !list.isFetchingNextPage;
  // A failed "Load more" keeps the pages already shown (a toast says why);
  // a failed background re-read keeps the tasks too (RefreshFailed).
  const failed = list.isError && !list.isFetchNextPageError && !list.isRefetchError;
  const staleAfterError = list.isRefetchError && !list.isFetching;
  return (
    <section
      aria-label="Tasks"
      aria-busy={loading}
      className={cn("grid gap-2 transition-opacity", list.isPlaceholderData && "opacity-60")}
    >
      {staleAfterError && list.error ? <RefreshFailed error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isPending ? (
        <LoadingRows />
      ) : failed ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.tasks.length === 0 && !loading ? (
        <EmptyState filtered={board.filtered} onClear={board.clearFilters} />
      ) : (
        <ul className="grid gap-2" aria-label="Task list">
          {list.tasks.map((task) => (
            <TaskNode
              key={task.id}
              board={board}
              task={task}
              depth={0}
              siblings={list.tasks}
              ordered={board.manualOrder}
            />
          ))}
        </ul>
      )}
      {!failed && list.hasNextPage ? (
        <Button
          variant="outline"
          className="justify-self-center"
          onClick={board.loadMore}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? <Loader2 className="animate-spin" aria-hidden /> : null}
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
    </section>
  );
}
