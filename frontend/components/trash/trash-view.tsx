"use client";

/**
 * The Trash page's list: deleted tasks (with their subtasks) and lists (with
 * their tasks), newest first, each with Restore and Delete forever, and
 * Empty trash. It follows the change feed, so a delete or restore made in
 * another tab (or the API's purge) shows at once.
 */
import { ArrowLeft, ListTodo, Loader2, RotateCcw, SquareCheck, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import * as React from "react";

import { LiveIndicator } from "@/components/live/live-indicator";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button, buttonVariants } from "@/components/ui/button";
import { toast } from "@/components/ui/sonner";
import { useLiveChanges } from "@/hooks/use-live-changes";
import { useTimeZone } from "@/hooks/use-preferences";
import { useEmptyTrash, usePurgeFromTrash, useRestoreFromTrash, useTrash } from "@/hooks/use-trash";
import { apiTokens } from "@/lib/api-token";
import { ApiError, type TrashItem } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("unexpected", "Something went wrong. Please try again.");
}

/** "7 Dec 2026, 14:05" in the user's zone. */
function when(iso: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(
      new Date(iso),
    );
  } catch {
    return new Date(iso).toLocaleString();
  }
}

const tasksIn = (n: number) => (n === 1 ? "1 task" : `${n} tasks`);

export function TrashView({ userId }: { userId: string }) {
  const router = useRouter();
  const zone = useTimeZone(userId);
  const live = useLiveChanges(userId, null);
  const trash = useTrash(userId);
  const restore = useRestoreFromTrash(userId);
  const purge = usePurgeFromTrash(userId);
  const empty = useEmptyTrash(userId);
  const [announcement, setAnnouncement] = React.useState("");

  const fail = (what: string, e: unknown) => {
    const error = asApiError(e);
    if (error.kind === "signed_out") {
      apiTokens.clear();
      router.replace("/sign-in?next=/trash");
      return;
    }
    const detail =
      error.kind === "not_found"
        ? "It is no longer in the trash."
        : (Object.values(error.fieldErrors())[0] ?? error.problem?.detail ?? error.message);
    toast.error(`Could not ${what}`, { description: detail });
  };

  async function onRestore(item: TrashItem) {
    try {
      const restored = await restore.mutateAsync(item);
      const where = restored.kind === "list" ? "to your lists" : "to its list";
      setAnnouncement(`“${item.title}” is back.`);
      toast.success(`Restored “${item.title}”`, { description: `It is back ${where}.` });
    } catch (e) {
      fail("restore it", e);
    }
  }

  async function onPurge(item: TrashItem) {
    try {
      await purge.mutateAsync(item);
      setAnnouncement(`“${item.title}” is deleted for good.`);
      toast(`Deleted “${item.title}” for good`);
    } catch (e) {
      fail("delete it", e);
    }
  }

  async function onEmpty() {
    try {
      const n = await empty.mutateAsync();
      setAnnouncement("The trash is empty.");
      toast(`Emptied the trash`, {
        description: n === 1 ? "1 item was deleted for good." : `${n} items were deleted for good.`,
      });
    } catch (e) {
      fail("empty the trash", e);
    }
  }

  React.useEffect(() => {
    if (trash.error?.kind === "signed_out") {
      apiTokens.clear();
      router.replace("/sign-in?next=/trash");
    }
  }, [trash.error, router]);

  const busy = restore.isPending || purge.isPending || empty.isPending;
  return (
    <section aria-label="Deleted items" aria-busy={trash.isFetching} className="grid gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/dashboard" className={cn(buttonVariants({ variant: "outline", size: "sm" }))}>
          <ArrowLeft aria-hidden />
          Back to tasks
        </Link>
        <LiveIndicator status={live} className="ml-auto" />
        <AlertDialog>
          <AlertDialogTrigger asChild>
            <Button variant="destructive" size="sm" disabled={busy || trash.items.length === 0}>
              <Trash2 aria-hidden />
              Empty trash
            </Button>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>Empty the trash?</AlertDialogTitle>
              <AlertDialogDescription>
                Everything in the trash will be deleted for good. This cannot be undone.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel>Keep them</AlertDialogCancel>
              <AlertDialogAction variant="destructive" onClick={() => void onEmpty()}>
                Empty trash
              </AlertDialogAction>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
      </div>
      {trash.isPending ? (
        <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
          <Loader2 className="size-4 animate-spin" aria-hidden />
          Loading the trash…
        </p>
      ) : trash.isError && trash.items.length === 0 ? (
        <div className="grid justify-items-start gap-2" role="alert">
          <p className="text-sm text-destructive">The trash could not be loaded: {trash.error.message}</p>
          <Button variant="outline" size="sm" onClick={() => void trash.refetch()}>
            Try again
          </Button>
        </div>
      ) : trash.items.length === 0 ? (
        <p
          className="rounded-lg border border-dashed p-6 text-center text-sm text-muted-foreground"
          data-testid="trash-empty"
        >
          The trash is empty.
        </p>
      ) : (
        <ul className="grid gap-2" aria-label="Trash">
          {trash.items.map((item) => (
            <li key={item.id}>
              <article
                aria-label={item.title}
                data-testid="trash-item"
                data-kind={item.kind}
                className="flex flex-wrap items-start gap-3 rounded-lg border bg-card p-3 sm:p-4"
              >
                {item.kind === "list" ? (
                  <ListTodo className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden />
                ) : (
                  <SquareCheck className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden />
                )}
                <div className="min-w-0 flex-1">
                  <h3 className="font-medium break-words">
                    <span className="sr-only">{item.kind === "list" ? "List: " : "Task: "}</span>
                    {item.title}
                  </h3>
                  <p className="mt-1 text-xs text-muted-foreground">
                    {item.kind === "list" ? `A list with ${tasksIn(item.task_count)}` : tasksIn(item.task_count)} ·
                    Deleted <time dateTime={item.deleted_at}>{when(item.deleted_at, zone)}</time> · Gone for good{" "}
                    <time dateTime={item.expires_at}>{when(item.expires_at, zone)}</time>
                  </p>
                </div>
                <div className="flex shrink-0 gap-1">
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={busy}
                    onClick={() => void onRestore(item)}
                    aria-label={`Restore "${item.title}"`}
                  >
                    <RotateCcw aria-hidden />
                    Restore
                  </Button>
                  <AlertDialog>
                    <AlertDialogTrigger asChild>
                      <Button variant="ghost" size="sm" disabled={busy} aria-label={`Delete forever "${item.title}"`}>
                        <Trash2 aria-hidden />
                        <span className="hidden sm:inline">Delete forever</span>
                      </Button>
                    </AlertDialogTrigger>
                    <AlertDialogContent>
                      <AlertDialogHeader>
                        <AlertDialogTitle>Delete forever?</AlertDialogTitle>
                        <AlertDialogDescription>
                          “{item.title}”
                          {item.task_count > 1 || item.kind === "list" ? ` and ${tasksIn(item.task_count)} in it` : ""}{" "}
                          will be deleted for good. This cannot be undone.
                        </AlertDialogDescription>
                      </AlertDialogHeader>
                      <AlertDialogFooter>
                        <AlertDialogCancel>Keep it</AlertDialogCancel>
                        <AlertDialogAction variant="destructive" onClick={() => void onPurge(item)}>
                          Delete forever
                        </AlertDialogAction>
                      </AlertDialogFooter>
                    </AlertDialogContent>
                  </AlertDialog>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      {trash.hasNextPage ? (
        <Button
          variant="outline"
          className="justify-self-center"
          disabled={trash.isFetchingNextPage}
          onClick={() => void trash.fetchNextPage()}
        >
          {trash.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}
