"use client";

/**
 * This tab's subscription to the API's change feed (lib/live/): mounted once,
 * by the dashboard, it applies every change made elsewhere (another tab,
 * another device, an HTTP client) to the query cache, and says how the
 * connection is doing.
 *
 * A tab hidden for more than five minutes closes its stream (the API allows
 * ten per user) and resumes from where it was when it is shown again: the API
 * replays what happened meanwhile. Going back online retries at once.
 */
import { useQueryClient } from "@tanstack/react-query";
import * as React from "react";

import { toast } from "@/components/ui/sonner";
import { apiTokens } from "@/lib/api-token";
import { LiveCache, parseChange } from "@/lib/live/cache";
import { LiveStream, type LiveStatus } from "@/lib/live/event-stream";

import { useFetchLatestTask } from "./use-tasks";

export type { LiveStatus };

/** How long a hidden tab keeps its stream open. */
export const HIDDEN_GRACE_MS = 5 * 60_000;

export function useLiveChanges(userId: string, editingId: string | null): LiveStatus {
  const client = useQueryClient();
  const fetchLatest = useFetchLatestTask(userId);
  const [status, setStatus] = React.useState<LiveStatus>("connecting");
  const editing = React.useRef(editingId);
  const cacheRef = React.useRef<LiveCache | null>(null);

  React.useEffect(() => {
    editing.current = editingId;
    // The lists put off while the editor was open are read now.
    if (editingId === null) cacheRef.current?.flush();
  }, [editingId]);

  React.useEffect(() => {
    const cache = new LiveCache({
      client,
      userId,
      editingId: () => editing.current,
      refreshTask: fetchLatest,
      onEditedTaskGone: () =>
        toast("The task you were editing was deleted", { description: "It was deleted elsewhere." }),
    });
    cacheRef.current = cache;
    const stream = new LiveStream({
      url: `/api/${encodeURIComponent(userId)}/events`,
      tokens: apiTokens,
      onStatus: setStatus,
      onEvent: (event, info) => {
        if (event.event === "ready") {
          if (!info.resumed) cache.catchUp(info.openedAt);
          return;
        }
        const change = parseChange(event.data);
        if (change) cache.apply(change);
      },
      onResyncRequired: () => cache.reloadEverything(),
    });
    stream.start();

    let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
    const onVisibility = () => {
      clearTimeout(hiddenTimer);
      if (document.visibilityState === "hidden") hiddenTimer = setTimeout(() => stream.pause(), HIDDEN_GRACE_MS);
      else stream.resume();
    };
    const onOnline = () => stream.retryNow();
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("online", onOnline);
    return () => {
      clearTimeout(hiddenTimer);
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("online", onOnline);
      void stream.stop();
      cache.dispose();
      cacheRef.current = null;
    };
  }, [client, fetchLatest, userId]);

  return status;
}
