/**
 * The browser's client for the Rust task API, reached same-origin through
 * proxy.ts: openapi-fetch over the types generated from the API's OpenAPI
 * document (lib/api/). Every failure becomes an ApiError with a kind the UI
 * can act on; nothing here throws anything else.
 */
import createClient, { type Client } from "openapi-fetch";

import type { components, paths } from "./api/schema";
import type { FieldError, Problem, Task, TaskInput, TaskPatch, TaskQuery } from "./api/types";
import { IdempotencyKeys, idempotencyHeader, requestFingerprint, sendIdempotent } from "./idempotency";
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

// Issue 12: the trash, batch edits, export and import.
/** One entry of `GET /trash`: a deleted task (with its subtasks) or list (with its tasks). */
export type TrashItem = components["schemas"]["TrashItem"];

export interface TrashPage {
  items: TrashItem[];
  nextCursor: string | null;
}

/** What `POST /trash/{id}/restore` brought back. */
export type Restored = components["schemas"]["Restored"];

/** The fields of a batch `update`: those of a PATCH. */
export type BatchUpdateFields = Pick<
  TaskPatch,
  | "title"
  | "description"
  | "priority"
  | "due_at"
  | "due_all_day"
  | "recurrence"
  | "recurrence_basis"
  | "completed"
  | "labels"
  | "list_id"
  | "parent_id"
>;

/**
 * One operation of `POST /tasks/batch`: the generated BatchOperation (op, id,
 * if_match) with the members each op takes beside them, which the OpenAPI
 * document only describes in words.
 */
export type BatchOperation = Omit<components["schemas"]["BatchOperation"], "op"> &
  (
    | { op: "complete" | "reopen" | "delete" | "restore" }
    | ({ op: "update" } & BatchUpdateFields)
    | ({ op: "move" } & TaskMove)
  );

export type ExportFormat = "json" | "csv";

export interface ExportFile {
  blob: Blob;
  /** From Content-Disposition, else todo-export.<ext>. */
  filename: string;
}

/** One row or member an import left out (skipped) or changed (warnings). */
export type ImportNote = components["schemas"]["ImportReportLine"];
export type ImportReport = components["schemas"]["ImportReport"];

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
  /** The keys of requests still unanswered; default: the tab's own (shared by every client in it). */
  idempotencyKeys?: IdempotencyKeys;
}

/** One per tab: every TasksApi (each hook makes its own) retries a request with the same key. */
const tabIdempotencyKeys = new IdempotencyKeys();

export class TasksApi {
  private readonly client: Client<paths>;
  private readonly user: { user_id: string };
  private readonly origin: string;
  /** Sends a request with a bearer token, and every POST with its Idempotency-Key. */
  private readonly send: Fetch;

  constructor(userId: string, tokens: TokenCache, options: TasksApiOptions = {}) {
    const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
    const keys = options.idempotencyKeys ?? tabIdempotencyKeys;
    this.user = { user_id: userId };
    this.origin = options.origin ?? globalThis.location?.origin ?? "";
    // A bearer token on every request, and one retry with a fresh token on 401.
    const withToken = (request: Request) =>
      sendWithToken(tokens, (token) => {
        const attempt = request.clone();
        attempt.headers.set("Authorization", `Bearer ${token}`);
        return fetchImpl(attempt);
      });
    this.send = async (request) => {
      if (request.method.toUpperCase() !== "POST") return withToken(request);
      // Every POST (creates, moves, batch, restore, import) carries a key, the
      // same one on a retry of the same request, so a lost answer never means
      // a second write.
      const url = new URL(request.url);
      const body = request.body ? await request.clone().text() : null;
      const fingerprint = requestFingerprint("POST", url.pathname + url.search, body);
      return sendIdempotent(keys, fingerprint, (key) => {
        const attempt = request.clone();
        attempt.headers.set("Idempotency-Key", idempotencyHeader(key));
        return withToken(attempt);
      });
    };
    this.client = createClient<paths>({
      baseUrl: this.origin,
      headers: { Accept: "application/json" },
      cache: "no-store",
      fetch: (request) => this.send(request),
    });
  }

  /**
   * A call whose body is not JSON (export's file, import's upload): made
   * here rather than through openapi-fetch, which would parse or serialise
   * it; the same token, Idempotency-Key and failures as ApiErrors.
   */
  private async call(
    method: string,
    path: string,
    init: { query?: Record<string, string | number>; body?: BodyInit; contentType?: string } = {},
  ): Promise<Response> {
    const url = new URL(`/api/${encodeURIComponent(this.user.user_id)}${path}`, this.origin || "http://localhost");
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, String(value));
    const headers = new Headers({ Accept: "application/json" });
    if (init.contentType) headers.set("Content-Type", init.contentType);
    const request = new Request(this.origin ? url : url.pathname + url.search, {
      method,
      headers,
      body: init.body,
      cache: "no-store",
    });
    let response: Response;
    try {
      response = await this.send(request);
    } catch (error) {
      if (error instanceof SignedOutError) throw new ApiError("signed_out", error.message);
      throw new ApiError("unavailable", "Could not reach the task service. Check your connection and try again.");
    }
    if (response.ok) return response;
    const isJson = (response.headers.get("content-type") ?? "").includes("json");
    const body = isJson ? await response.json().catch(() => null) : null;
    throw errorFromProblem(response, problemFrom(body));
  }

  private async callJson<T>(method: string, path: string, init: Parameters<TasksApi["call"]>[2] = {}): Promise<T> {
    const response = await this.call(method, path, init);
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError("unexpected", "The task service sent an unreadable answer.");
    }
  }

  /** Several changes at once, all or nothing: the tasks as they are after each operation, in order. */
  async batch(operations: BatchOperation[]): Promise<Task[]> {
    const { data } = await settle(
      this.client.POST("/api/{user_id}/tasks/batch", { params: { path: this.user }, body: { operations } }),
    );
    if (!Array.isArray(data?.tasks)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return data.tasks;
  }

  /** The trash, newest first, a page at a time. */
  async trash(cursor: string | null = null, limit = 50): Promise<TrashPage> {
    const { data, response } = await settle(
      this.client.GET("/api/{user_id}/trash", {
        params: { path: this.user, query: cursor ? { limit, cursor } : { limit } },
      }),
    );
    if (!Array.isArray(data)) throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return { items: data, nextCursor: nextCursorFromLink(response.headers.get("link")) };
  }

  /** Brings a task (with its subtasks) or a list (with its tasks) back from the trash. */
  async restore(id: string): Promise<Restored> {
    const { data } = await settle(
      this.client.POST("/api/{user_id}/trash/{id}/restore", { params: { path: { ...this.user, id } } }),
    );
    if (!data || typeof data !== "object")
      throw new ApiError("unexpected", "The task service sent an unexpected answer.");
    return data;
  }

  /** Deletes one item of the trash for good. */
  async purge(id: string): Promise<void> {
    await settle(this.client.DELETE("/api/{user_id}/trash/{id}", { params: { path: { ...this.user, id } } }));
  }

  /** Deletes everything in the trash for good; resolves to how many items went. */
  async emptyTrash(): Promise<number> {
    const { data } = await settle(this.client.DELETE("/api/{user_id}/trash", { params: { path: this.user } }));
    return typeof data?.deleted === "number" ? data.deleted : 0;
  }

  /** Everything the user owns, as a file to save. */
  async exportData(format: ExportFormat): Promise<ExportFile> {
    const response = await this.call("GET", "/export", { query: { format } });
    const blob = await response.blob();
    const filename = filenameFromDisposition(response.headers.get("content-disposition")) ?? `todo-export.${format}`;
    return { blob, filename };
  }

  /** Imports an export of this app (JSON) or a Todoist CSV; all or nothing. */
  async importData(file: Blob, format: ExportFormat, listName?: string): Promise<ImportReport> {
    return this.callJson<ImportReport>("POST", "/import", {
      query: format === "csv" && listName ? { list_name: listName } : undefined,
      body: file,
      contentType: format === "csv" ? "text/csv" : "application/json",
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

/** The file name of `Content-Disposition: attachment; filename="…"` (or RFC 6266's filename*=UTF-8''…). */
export function filenameFromDisposition(value: string | null): string | null {
  if (!value) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(value);
  if (extended?.[1]) {
    try {
      return safeName(decodeURIComponent(extended[1].trim()));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(value);
  const name = plain?.[1]?.replace(/\\(.)/g, "$1") ?? plain?.[2]?.trim();
  return name ? safeName(name) : null;
}

/** No directories in a name to save under. */
const safeName = (name: string) => name.replace(/[/\\]/g, "_") || null;

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
