import { AlertTriangle, ClipboardList, RefreshCw, SearchX } from "lucide-react";

import { Button } from "@/components/ui/button";
import type { ApiError } from "@/lib/tasks-api";

/** What the list shows before its first page arrives, when it is empty, and when it could not be read. */
export function LoadingRows() {
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

export function EmptyState({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
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

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
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

/**
 * A background re-read failed while tasks are on screen (a change arriving
 * live, the editor closing): the tasks stay where they are, readable, and a
 * line above them says they may be out of date. Replacing them with the
 * full error state would take the user's list away over a passing blip.
 */
export function RefreshFailed({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <div
      className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-destructive/40 px-3 py-2 text-sm"
      role="status"
    >
      <p>
        <span className="font-medium">These tasks may be out of date.</span>{" "}
        <span className="text-muted-foreground">{error.message}</span>
      </p>
      <Button variant="outline" size="sm" onClick={onRetry}>
        <RefreshCw aria-hidden />
        Refresh
      </Button>
    </div>
  );
}
