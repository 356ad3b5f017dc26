/**
 * The browser's client for the Rust task API, reached same-origin through
 * proxy.ts. Every failure becomes an ApiError with a kind the UI can act on;
 * nothing here throws anything else.
 */
import { SignedOutError, sendWithToken, type TokenCache } from "./token-cache";

export const PRIORITIES = ["low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SORT_KEYS = ["created_at", "updated_at", "due_at", "priority", "title"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export type StatusFilter = "all" | "pending" | "completed";
export type SortOrder = "asc" | "desc";

export interface Task {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: Priority;
  category: string | null;
  due_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewTask {
  title: string;
  description?: string | null;
  priority?: Priority;
  category?: string | null;
  due_at?: string | null;
}

/** Only the fields present are changed; null clears an optional field. */
export type TaskPatch = Partial<Omit<NewTask, "title">> & { title?: string };

export interface TaskQuery {
  status?: StatusFilter;
  priority?: Priority;
  category?: string;
  q?: string;
  sort?: SortKey;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

export type ApiErrorKind =
  | "signed_out" // no session, or the API keeps refusing our fresh token
  | "forbidden"
  | "not_found"
  | "conflict" // 412: changed elsewhere since we read it
  | "validation" // 400 / 413 / 415 / 422
  | "unavailable" // 503, network failure, other 5xx: worth retrying
  | "unexpected";

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  readonly problem: Problem | null;
  readonly retryAfterSeconds: number | null;

  constructor(
    kind: ApiErrorKind,
    message: string,
    init: { status?: number; problem?: Problem | null; retryAfterSeconds?: number | null } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = init.status ?? null;
    this.problem = init.problem ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** Messages for the fields the API named, keyed by field name. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem?.errors ?? []) out[e.field] ??= e.message;
    return out;
  }
}

export interface TaskPage {
  tasks: Task[];
  nextCursor: string | null;
}

export interface TaskWithVersion {
  task: Task;
  /** The ETag to send back as If-Match, when the API gave one. */
  etag: string | null;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class TasksApi {
  private readonly base: string;

  constructor(
    userId: string,
    private readonly tokens: TokenCache,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = `/api/${encodeURIComponent(userId)}/tasks`;
  }

  async list(query: TaskQuery = {}): Promise<TaskPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === "" || (key === "status" && value === "all")) continue;
      params.set(key, String(value));
    }
    const qs = params.toString();
    const response = await this.send(qs ? `${this.base}?${qs}` : this.base, { method: "GET" });
    const tasks = await readJson<Task[]>(response);
    if (!Array.isArray(tasks)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return { tasks, nextCursor: nextCursorFromLink(response.headers.get("link")) };
  }

  async get(id: string): Promise<TaskWithVersion> {
    const response = await this.send(`${this.taskPath(id)}`, { method: "GET" });
    return { task: await readJson<Task>(response), etag: response.headers.get("etag") };
  }

  async create(input: NewTask): Promise<TaskWithVersion> {
    const response = await this.send(this.base, jsonBody("POST", input));
    return { task: await readJson<Task>(response), etag: response.headers.get("etag") };
  }

  async update(id: string, patch: TaskPatch, etag: string | null): Promise<TaskWithVersion> {
    const init = jsonBody("PATCH", patch);
    if (etag) (init.headers as Record<string, string>)["If-Match"] = etag;
    const response = await this.send(this.taskPath(id), init);
    return { task: await readJson<Task>(response), etag: response.headers.get("etag") };
  }

  async setCompleted(id: string, completed: boolean): Promise<TaskWithVersion> {
    const response = await this.send(`${this.taskPath(id)}/complete`, jsonBody("PATCH", { completed }));
    return { task: await readJson<Task>(response), etag: response.headers.get("etag") };
  }

  async remove(id: string): Promise<void> {
    const response = await this.send(this.taskPath(id), { method: "DELETE" });
    await response.body?.cancel().catch(() => undefined);
  }

  private taskPath(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  /** Sends with a bearer token; returns only 2xx responses, throws ApiError otherwise. */
  private async send(url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await sendWithToken(this.tokens, (token) =>
        this.fetchImpl(url, {
          ...init,
          headers: {
            Accept: "application/json",
            ...(init.headers as Record<string, string>),
            Authorization: `Bearer ${token}`,
          },
          cache: "no-store",
        }),
      );
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof SignedOutError) throw new ApiError("signed_out", error.message);
      throw new ApiError("unavailable", "Could not reach the task service. Check your connection and try again.");
    }
    if (response.ok) return response;
    throw await errorFromResponse(response);
  }
}

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

async function readJson<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError("unexpected", "The task service sent an unreadable answer.", { status: response.status });
  }
}

async function readProblem(response: Response): Promise<Problem | null> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  try {
    const body: unknown = await response.json();
    if (!body || typeof body !== "object") return null;
    const problem = body as Problem & { invalid_params?: unknown };
    const list = Array.isArray(problem.errors)
      ? problem.errors
      : Array.isArray(problem.invalid_params)
        ? problem.invalid_params
        : [];
    const errors = list.filter(
      (e): e is FieldError =>
        !!e &&
        typeof e === "object" &&
        typeof (e as FieldError).field === "string" &&
        typeof (e as FieldError).message === "string",
    );
    return { type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, errors };
  } catch {
    return null;
  }
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  const problem = await readProblem(response);
  const status = response.status;
  const detail = problem?.detail || problem?.title;
  const retryAfter = Number(response.headers.get("retry-after"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const init = { status, problem, retryAfterSeconds };
  switch (true) {
    case status === 401:
      return new ApiError("signed_out", "Your session has ended. Please sign in again.", init);
    case status === 403:
      return new ApiError("forbidden", "You can only see and change your own tasks.", init);
    case status === 404:
      return new ApiError("not_found", "That task no longer exists.", init);
    case status === 412:
      return new ApiError("conflict", "This task was changed elsewhere.", init);
    case status === 400 || status === 413 || status === 415 || status === 422:
      return new ApiError("validation", detail || "The task service did not accept that.", init);
    case status === 503 || status === 502 || status === 504:
      return new ApiError("unavailable", "The task service is temporarily unavailable.", init);
    case status >= 500:
      return new ApiError("unavailable", "The task service is not available right now.", init);
    default:
      return new ApiError("unexpected", detail || `Unexpected answer from the task service (${status}).`, init);
  }
}

/** The opaque cursor of a `Link: <…?cursor=…>; rel="next"` header. */
export function nextCursorFromLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!match) continue;
    const [, target = "", params = ""] = match;
    if (!/(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(params)) continue;
    try {
      return new URL(target, "http://link.invalid").searchParams.get("cursor");
    } catch {
      return null;
    }
  }
  return null;
}
