export const DEFAULT_API_URL = "http://127.0.0.1:8000";

/**
 * The API's resources: tasks, lists, labels, the trash and preferences, export and import, and the change feed
 * (`/changes`, and `/events`, the server-sent events); nothing else under /api/{user_id} is the API's.
 */
const TASKS_PATH = /^\/api\/[^/]+\/(?:(?:tasks|lists|labels|trash)(?:\/.*)?|preferences|changes|events|export|import)$/;

/**
 * Where a same-origin request for the task API goes, or null when the path
 * is not the API's (Better Auth keeps /api/auth/*).
 */
export function apiTarget(pathname: string, search: string, apiUrl: string | undefined): URL | null {
  if (!TASKS_PATH.test(pathname) || pathname.startsWith("/api/auth/")) return null;
  const base = new URL(apiUrl?.trim() || DEFAULT_API_URL);
  const target = new URL(pathname + search, base);
  // Paths are normalised by URL; anything that escapes /api/{id}/{resource} stays here.
  return TASKS_PATH.test(target.pathname) ? target : null;
}
