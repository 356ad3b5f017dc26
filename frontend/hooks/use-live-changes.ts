"use client";

/**
 * This tab's subscription to the API's change feed (lib/live/): mounted once,
 * by the dashboard, it applies every change made elsewhere (another tab,
 * another device, an HTTP client) to the query cache, and says how the
 * connection is doing.
 *
 * The position (the last change seen) is kept in the tab's sessionStorage, so
 * a reload resumes from it and the API replays exactly what happened in
 * between; a new tab starts live and reads again what it had read before the
 * stream started. A tab hidden for more than five minutes closes its stream
 * (the API allows ten per user) and resumes from where it was when it is
 * shown again. Going back online retries at once.
 */
import { useQueryClient } from "@tanstack/react-query";
import * as React from "react";

import { toast } from "@/components/ui/sonner";
import { apiTokens } from "@/lib/api-token";
import { LiveCache, parseChange } from "@/lib/live/cache";
import { LiveStream, type LiveStatus } from "@/lib/live/event-stream";

export type { LiveStatus };

/** How long a hidden tab keeps its stream open. */
export const HIDDEN_GRACE_MS = 5 * 60_000;

const positionKey = (userId: string) => `todo:live-position:${userId}`;

function storedPosition(userId: string): string | null {
  try {
    const value = sessionStorage.getItem(positionKey(userId));
    return value && /^\d+$/.test(value) ? value : null;
  } catch {
    return null; // storage unavailable (privacy settings): start live
  }
}

function storePosition(userId: string, seq: string | null): void {
  try {
    if (seq === null) sessionStorage.removeItem(positionKey(userId));
    else sessionStorage.setItem(positionKey(userId), seq);
  } catch {
    // not kept: a reload starts live and reads everything again
  }
}

export function useLiveChanges(userId: string, editingId: string | null): LiveStatus {
  const client = useQueryClient();
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
      onEditedTaskGone: () =>
        toast("The task you were editing was deleted", { description: "It was deleted elsewhere." }),
    });
    cacheRef.current = cache;
    const stream = new LiveStream({
      url: `/api/${encodeURIComponent(userId)}/events`,
      tokens: apiTokens,
      lastEventId: storedPosition(userId),
      onStatus: setStatus,
      onEvent: (event, info) => {
        if (event.event === "ready") {
          if (!info.resumed) cache.catchUp(info.sentAt);
        } else {
          const change = parseChange(event.data);
          if (change) cache.apply(change);
        }
        if (event.id !== undefined) storePosition(userId, event.id);
      },
      onResyncRequired: async (seq) => {
        await cache.reloadEverything();
        storePosition(userId, seq);
      },
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
  }, [client, userId]);

  return status;
}
