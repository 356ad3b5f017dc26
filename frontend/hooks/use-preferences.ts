"use client";

/**
 * The user's preferences in TanStack Query: the time zone every date is
 * shown (and read) in, and the first day of the week. On the first visit
 * after signing up, the API still has its default (UTC): the browser's own
 * zone is saved once, and remembered in this browser so a later choice of
 * UTC in Settings is not undone.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as React from "react";

import type { ApiError, Preferences, Versioned } from "@/lib/tasks-api";
import { browserZone, isKnownZone } from "@/lib/zoned-date";

import { taskKeys, useTasksApi } from "./use-tasks";

export const preferenceKeys = {
  all: (userId: string) => ["preferences", userId] as const,
};

export function usePreferences(userId: string) {
  const api = useTasksApi(userId);
  return useQuery<Versioned<Preferences>, ApiError>({
    queryKey: preferenceKeys.all(userId),
    queryFn: () => api.preferences(),
    staleTime: 60_000,
  });
}

/** Saves both preferences with If-Match (the version last read); every task is read again (all-day dates move). */
export function useSavePreferences(userId: string) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  return useMutation<Versioned<Preferences>, ApiError, Preferences>({
    mutationFn: (value) => {
      const known = client.getQueryData<Versioned<Preferences>>(preferenceKeys.all(userId));
      return api.savePreferences(value, known?.etag ?? null);
    },
    onSuccess: (saved) => {
      client.setQueryData(preferenceKeys.all(userId), saved);
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
    },
  });
}

/** The zone dates are shown in: the user's preference once read, the browser's until then. */
export function useTimeZone(userId: string): string {
  const preferences = usePreferences(userId);
  const zone = preferences.data?.value.time_zone;
  return zone && isKnownZone(zone) ? zone : browserZone();
}

const syncedKey = (userId: string) => `todo:time-zone-set:${userId}`;

function alreadySynced(userId: string): boolean {
  try {
    return localStorage.getItem(syncedKey(userId)) !== null;
  } catch {
    return true; // no storage: never overwrite what the user may have chosen
  }
}

function markSynced(userId: string): void {
  try {
    localStorage.setItem(syncedKey(userId), "1");
  } catch {
    // not kept: the check below (still UTC?) keeps it from doing harm
  }
}

/**
 * Once per user and browser: while the preferences are still the API's
 * default (UTC) and the browser is elsewhere, the browser's zone is saved.
 */
export function useAdoptBrowserTimeZone(userId: string): void {
  const preferences = usePreferences(userId);
  const save = useSavePreferences(userId);
  const { mutate } = save;
  const value = preferences.data?.value;
  const started = React.useRef(false);
  React.useEffect(() => {
    if (!value || started.current || alreadySynced(userId)) return;
    started.current = true;
    const zone = browserZone();
    if (value.time_zone !== "UTC" || zone === "UTC" || !isKnownZone(zone)) {
      markSynced(userId);
      return;
    }
    mutate({ ...value, time_zone: zone }, { onSuccess: () => markSynced(userId) });
  }, [value, userId, mutate]);
}
