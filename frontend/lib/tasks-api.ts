/**
 * The browser's client for the Rust task API, reached same-origin through
 * proxy.ts: openapi-fetch over the types generated from the API's OpenAPI
 * document (lib/api/). Every failure becomes an ApiError with a kind the UI
 * can act on; nothing here throws anything else.
 */
import createClient, { type Client } from "openapi-fetch";

import type { components, paths } from "./api/schema";
import type { FieldError, Problem, Task, TaskInput, TaskPatch, TaskQuery } from "./api/types";
import { SignedOutError, sendWithToken, type TokenCache } from "./token-cache";

export type ApiErrorKind =
  | "signed_out" // no session, or the API keeps refusing our fresh token
  | "forbidden"
  | "not_found"
  | "conflict" // 412: changed elsewhere since we read it
  | "validation" // 400 / 413 / 415 / 422
  | "unavailable" // 503, network failure, other 5xx: worth retrying
  | "unexpected";

/** What the client keeps of a problem+json body: whatever of it was readable. */
export type ProblemDetails = Partial<Omit<Problem, "errors">> & { errors?: FieldError[] };

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  readonly problem: ProblemDetails | null;
  readonly retryAfterSeconds: number | null;

  constructor(
    kind: ApiErrorKind,
    message: string,
    init: { status?: number; problem?: ProblemDetails | null; retryAfterSeconds?: number | null } = {},
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

// Issue 11: time zones, all-day and recurring tasks, the date views, completions.
export type RecurrenceBasis = components["schemas"]["RecurrenceBasis"];
export type WeekStart = components["schemas"]["WeekStart"];
/** The date views of `GET /tasks?view=` (open tasks only). */
export type TaskView = components["schemas"]["TaskView"];
/** `GET|PUT /api/{user_id}/preferences`. */
export type Preferences = components["schemas"]["Preferences"];
/** One entry of a task's completion history. */
export type Completion = components["schemas"]["Completion"];

export type { Task, TaskInput, TaskPatch, TaskQuery };

/** The body of a move: where the task (with its subtasks) goes. */
export type TaskMove = components["schemas"]["TaskMove"];

export type TaskList = components["schemas"]["List"];
export type ListInput = components["schemas"]["ListInput"];
export type ListPatch = components["schemas"]["ListPatch"];
export type Color = components["schemas"]["Color"];
export type Label = components["schemas"]["Label"];
export type LabelInput = components["schemas"]["LabelInput"];
export type LabelPatch = components["schemas"]["LabelPatch"];
export type ListMove = components["schemas"]["ListMove"];

export interface TaskPage {
  tasks: Task[];
  nextCursor: string | null;
}

/** A list or label as read, with the ETag to send back as If-Match (when the API gave one). */
export interface Versioned<T> {
  value: T;
  etag: string | null;
}

export interface TaskWithVersion {
  task: Task;
  /** The ETag to send back as If-Match, when the API gave one. */
  etag: string | null;
}

type Fetch = (request: Request) => Promise<Response>;

export interface TasksApiOptions {
  fetch?: Fetch;
  /** Where the app is served; in the browser, the page's own origin. */
  origin?: string;
}

export class TasksApi {
  private readonly client: Client<paths>;
  private readonly user: { user_id: string };

  constructor(userId: string, tokens: TokenCache, options: TasksApiOptions = {}) {
    const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
    this.user = { user_id: userId };
    this.client = createClient<paths>({
      baseUrl: options.origin ?? globalThis.location?.origin ?? "",
      headers: { Accept: "application/json" },
      cache: "no-store",
      // A bearer token on every request, and one retry with a fresh token on 401.
      fetch: (request) =>
        sendWithToken(tokens, (token) => {
          const attempt = request.clone();
          attempt.headers.set("Authorization", `Bearer ${token}`);
          return fetchImpl(attempt);
        }),
    });
  }

  /** The user's time zone and first day of the week, with their version (ETag). */
  async preferences(): Promise<Versioned<Preferences>> {
    return versioned(await settle(this.client.GET("/api/{user_id}/preferences", { params: { path: this.user } })));
  }

  /** Saves both preferences; with an ETag, only if they still have that version (else 412). */
  async savePreferences(value: Preferences, etag: string | null = null): Promise<Versioned<Preferences>> {
    return versioned(
      await settle(
        this.client.PUT("/api/{user_id}/preferences", {
          params: { path: this.user, header: etag ? { "If-Match": etag } : undefined },
          body: value,
        }),
      ),
    );
  }

  /** A task's completion history, newest first (the first page). */
  async completions(id: string, limit = 50): Promise<Completion[]> {
    const { data } = await settle(
      this.client.GET("/api/{user_id}/tasks/{id}/completions", {
        params: { path: { ...this.user, id }, query: { limit } },
      }),
    );
    if (!Array.isArray(data)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return data;
  }

  async list(query: TaskQuery = {}): Promise<TaskPage> {
    const { data, response } = await settle(
      this.client.GET("/api/{user_id}/tasks", { params: { path: this.user, query: withoutDefaults(query) } }),
    );
    if (!Array.isArray(data)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return { tasks: data, nextCursor: nextCursorFromLink(response.headers.get("link")) };
  }

  async get(id: string): Promise<TaskWithVersion> {
    return withVersion(
      await settle(this.client.GET("/api/{user_id}/tasks/{id}", { params: { path: { ...this.user, id } } })),
    );
  }

  async create(input: TaskInput): Promise<TaskWithVersion> {
    return withVersion(
      await settle(this.client.POST("/api/{user_id}/tasks", { params: { path: this.user }, body: input })),
    );
  }

  async update(id: string, patch: TaskPatch, etag: string | null): Promise<TaskWithVersion> {
    return withVersion(
      await settle(
        this.client.PATCH("/api/{user_id}/tasks/{id}", {
          params: { path: { ...this.user, id }, header: etag ? { "If-Match": etag } : undefined },
          body: patch,
        }),
      ),
    );
  }

  async setCompleted(id: string, completed: boolean): Promise<TaskWithVersion> {
    return withVersion(
      await settle(
        this.client.PATCH("/api/{user_id}/tasks/{id}/complete", {
          params: { path: { ...this.user, id } },
          body: { completed },
        }),
      ),
    );
  }

  /** One atomic move: another list, another parent, another place among its siblings. */
  async move(id: string, to: TaskMove): Promise<TaskWithVersion> {
    return withVersion(
      await settle(
        this.client.POST("/api/{user_id}/tasks/{id}/move", { params: { path: { ...this.user, id } }, body: to }),
      ),
    );
  }

  /** The user's lists, Inbox first, with their task counts. */
  async lists(): Promise<TaskList[]> {
    const { data } = await settle(this.client.GET("/api/{user_id}/lists", { params: { path: this.user } }));
    if (!Array.isArray(data)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return data;
  }

  async createList(input: ListInput): Promise<TaskList> {
    const { data } = await settle(
      this.client.POST("/api/{user_id}/lists", { params: { path: this.user }, body: input }),
    );
    return data as TaskList;
  }

  /** One list and its version (the ETag to send back as If-Match). */
  async getList(id: string): Promise<Versioned<TaskList>> {
    return versioned(
      await settle(
        this.client.GET("/api/{user_id}/lists/{list_id}", { params: { path: { ...this.user, list_id: id } } }),
      ),
    );
  }

  /** Renames or recolours a list; with an ETag, only if the list still has that version (else 412). */
  async updateList(id: string, patch: ListPatch, etag: string | null): Promise<Versioned<TaskList>> {
    return versioned(
      await settle(
        this.client.PATCH("/api/{user_id}/lists/{list_id}", {
          params: { path: { ...this.user, list_id: id }, header: etag ? { "If-Match": etag } : undefined },
          body: patch,
        }),
      ),
    );
  }

  /** Deletes a list with its tasks; with an ETag, only if the list still has that version (else 412). */
  async removeList(id: string, etag: string | null): Promise<void> {
    await settle(
      this.client.DELETE("/api/{user_id}/lists/{list_id}", {
        params: { path: { ...this.user, list_id: id }, header: etag ? { "If-Match": etag } : undefined },
      }),
    );
  }

  /** Puts a list right before or after another (the Inbox stays first: 409). */
  async moveList(id: string, to: ListMove): Promise<TaskList> {
    const { data } = await settle(
      this.client.POST("/api/{user_id}/lists/{list_id}/move", {
        params: { path: { ...this.user, list_id: id } },
        body: to,
      }),
    );
    return data as TaskList;
  }

  /** The user's labels. */
  async labels(): Promise<Label[]> {
    const { data } = await settle(this.client.GET("/api/{user_id}/labels", { params: { path: this.user } }));
    if (!Array.isArray(data)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return data;
  }

  async createLabel(input: LabelInput): Promise<Label> {
    const { data } = await settle(
      this.client.POST("/api/{user_id}/labels", { params: { path: this.user }, body: input }),
    );
    return data as Label;
  }

  /** One label and its version (the ETag to send back as If-Match). */
  async getLabel(id: string): Promise<Versioned<Label>> {
    return versioned(
      await settle(
        this.client.GET("/api/{user_id}/labels/{label_id}", { params: { path: { ...this.user, label_id: id } } }),
      ),
    );
  }

  /** Renames or recolours a label; with an ETag, only if the label still has that version (else 412). */
  async updateLabel(id: string, patch: LabelPatch, etag: string | null): Promise<Versioned<Label>> {
    return versioned(
      await settle(
        this.client.PATCH("/api/{user_id}/labels/{label_id}", {
          params: { path: { ...this.user, label_id: id }, header: etag ? { "If-Match": etag } : undefined },
          body: patch,
        }),
      ),
    );
  }

  /** Deletes a label (the API takes it off every task that had it); with an ETag, only at that version. */
  async removeLabel(id: string, etag: string | null): Promise<void> {
    await settle(
      this.client.DELETE("/api/{user_id}/labels/{label_id}", {
        params: { path: { ...this.user, label_id: id }, header: etag ? { "If-Match": etag } : undefined },
      }),
    );
  }

  async remove(id: string): Promise<void> {
    await settle(this.client.DELETE("/api/{user_id}/tasks/{id}", { params: { path: { ...this.user, id } } }));
  }
}

/** Leaves out what the API would take as its default anyway, and empty filters. */
function withoutDefaults(query: TaskQuery): TaskQuery {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "" || (key === "status" && value === "all")) continue;
    out[key] = value;
  }
  return out as TaskQuery;
}

function withVersion({ data, response }: { data: unknown; response: Response }): TaskWithVersion {
  if (!data || typeof data !== "object")
    throw new ApiError("unexpected", "The task service sent an unexpected answer.");
  return { task: data as Task, etag: response.headers.get("etag") };
}

function versioned<T>({ data, response }: { data: unknown; response: Response }): Versioned<T> {
  if (!data || typeof data !== "object")
    throw new ApiError("unexpected", "The task service sent an unexpected answer.");
  return { value: data as T, etag: response.headers.get("etag") };
}

/** A 2xx answer's data, or an ApiError for anything else (network failure included). */
async function settle<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T | undefined; response: Response }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof SignedOutError) throw new ApiError("signed_out", error.message);
    if (error instanceof SyntaxError) throw new ApiError("unexpected", "The task service sent an unreadable answer.");
    throw new ApiError("unavailable", "Could not reach the task service. Check your connection and try again.");
  }
  const { data, error, response } = result;
  if (response.ok) return { data, response };
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  throw errorFromProblem(response, isJson ? problemFrom(error) : null);
}

/** The readable parts of a problem+json body; field errors in `errors` (or RFC 7807's `invalid_params`). */
function problemFrom(body: unknown): ProblemDetails | null {
  if (!body || typeof body !== "object") return null;
  const problem = body as Record<string, unknown>;
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
  const text = (key: string) => (typeof problem[key] === "string" ? (problem[key] as string) : undefined);
  return {
    type: text("type"),
    title: text("title"),
    status: typeof problem.status === "number" ? problem.status : undefined,
    detail: text("detail"),
    errors,
  };
}

/** The ApiError for a failed response whose body has been read (openapi-fetch reads it). */
function errorFromProblem(response: Response, problem: ProblemDetails | null): ApiError {
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
