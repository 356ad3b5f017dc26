import { describe, expect, it, vi } from "vitest";

import { apiTarget } from "@/lib/api-target";
import { ApiError, TasksApi, nextCursorFromLink } from "@/lib/tasks-api";
import { TokenCache } from "@/lib/token-cache";

const USER = "0b4c2f62-9a3e-4d5c-8f1e-2a6b7c8d9e0f";

function jwt(marker: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "EdDSA" })}.${enc({ sub: USER, exp: 4_000_000_000, m: marker })}.sig`;
}

function problem(status: number, body: object, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

describe("nextCursorFromLink", () => {
  it("finds the cursor of rel=next, relative or absolute, among other links", () => {
    expect(nextCursorFromLink(`</api/u/tasks?limit=20&cursor=abc%3D%3D>; rel="next"`)).toBe("abc==");
    expect(nextCursorFromLink(`<http://x/api/u/tasks?cursor=zz>; rel=next`)).toBe("zz");
    expect(nextCursorFromLink(`</a?cursor=p>; rel="prev", </a?cursor=n>; rel="next"`)).toBe("n");
  });

  it("is null without a next link", () => {
    expect(nextCursorFromLink(null)).toBeNull();
    expect(nextCursorFromLink(`</a?cursor=p>; rel="prev"`)).toBeNull();
    expect(nextCursorFromLink("garbage")).toBeNull();
  });
});

describe("TasksApi", () => {
  function client(responses: Array<Response | Error>) {
    const fetchToken = vi.fn(async () => jwt(`t${fetchToken.mock.calls.length}`));
    const tokens = new TokenCache({ fetchToken });
    const calls: Request[] = [];
    const fetchImpl = vi.fn(async (request: Request) => {
      calls.push(request);
      const next = responses.shift();
      if (!next) throw new Error("no more responses");
      if (next instanceof Error) throw next;
      return next;
    });
    return { api: new TasksApi(USER, tokens, { fetch: fetchImpl, origin: "http://app.test" }), calls, fetchToken };
  }

  /** The ApiError a request answered with this response ends in. */
  async function failureOf(answer: () => Response): Promise<ApiError> {
    // A 401 is retried once with a fresh token: that one is answered the same way.
    const first = answer();
    const answers = first.status === 401 ? [first, answer()] : [first];
    const error = await client(answers)
      .api.get("t1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it("lists with the filters as query parameters and reads the next cursor", async () => {
    const { api, calls } = client([
      new Response("[]", { status: 200, headers: { link: `</api/${USER}/tasks?cursor=c2>; rel="next"` } }),
    ]);
    const page = await api.list({
      status: "pending",
      priority: "high",
      q: "milk",
      sort: "title",
      order: "asc",
      limit: 20,
    });
    expect(page).toEqual({ tasks: [], nextCursor: "c2" });
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe(`/api/${USER}/tasks`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: "pending",
      priority: "high",
      q: "milk",
      sort: "title",
      order: "asc",
      limit: "20",
    });
    expect(calls[0]!.headers.get("Authorization")).toMatch(/^Bearer /);
  });

  it("leaves out status=all and empty filters", async () => {
    const { api, calls } = client([new Response("[]", { status: 200 })]);
    await api.list({ status: "all", q: "" });
    expect(calls[0]!.url).toBe(`http://app.test/api/${USER}/tasks`);
  });

  it("sends If-Match on update when it has an ETag", async () => {
    const task = { id: "t1", title: "a" };
    const { api, calls } = client([new Response(JSON.stringify(task), { status: 200, headers: { etag: '"3"' } })]);
    const result = await api.update("t1", { title: "a" }, '"2"');
    expect(result.etag).toBe('"3"');
    expect(calls[0]!.method).toBe("PATCH");
    expect(calls[0]!.headers.get("If-Match")).toBe('"2"');
    expect(await calls[0]!.json()).toEqual({ title: "a" });
  });

  it("retries a 401 once with a new token, then succeeds", async () => {
    const { api, calls, fetchToken } = client([problem(401, {}), new Response("[]", { status: 200 })]);
    await expect(api.list()).resolves.toEqual({ tasks: [], nextCursor: null });
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(calls[0]!.headers.get("Authorization")).not.toBe(calls[1]!.headers.get("Authorization"));
    // The retry sends the same request again, body included.
    expect(calls[1]!.url).toBe(calls[0]!.url);
  });

  it("turns a network failure into a retryable error, not a crash", async () => {
    const { api } = client([new TypeError("fetch failed")]);
    const error = await api.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe("unavailable");
  });

  it("turns an unreadable success into an unexpected error", async () => {
    const { api } = client([
      new Response("{not json", { status: 200, headers: { "content-type": "application/json" } }),
    ]);
    const error = await api.get("t1").catch((e: unknown) => e);
    expect((error as ApiError).kind).toBe("unexpected");
  });

  it.each([
    [401, "signed_out"],
    [403, "forbidden"],
    [404, "not_found"],
    [412, "conflict"],
    [400, "validation"],
    [413, "validation"],
    [415, "validation"],
    [422, "validation"],
    [503, "unavailable"],
    [502, "unavailable"],
    [500, "unavailable"],
    [418, "unexpected"],
  ] as const)("maps %i to %s", async (status, kind) => {
    const error = await failureOf(() => problem(status, { title: "x" }));
    expect(error.kind).toBe(kind);
  });

  it("keeps the field errors of a validation problem and Retry-After of a 503", async () => {
    const invalid = await failureOf(() =>
      problem(422, { detail: "Invalid task", errors: [{ field: "title", message: "too long" }, { bad: 1 }] }),
    );
    expect(invalid.fieldErrors()).toEqual({ title: "too long" });
    expect(invalid.message).toBe("Invalid task");
    const down = await failureOf(() => problem(503, {}, { "retry-after": "5" }));
    expect(down.retryAfterSeconds).toBe(5);
  });

  it("copes with a non-JSON error body", async () => {
    const error = await failureOf(() => new Response("<html>oops</html>", { status: 502 }));
    expect(error.kind).toBe("unavailable");
    expect(error.problem).toBeNull();
  });
});

describe("apiTarget", () => {
  it("forwards task, list and label paths to the API with their query", () => {
    expect(apiTarget(`/api/${USER}/lists/x/move`, "", undefined)?.href).toBe(
      `http://127.0.0.1:8000/api/${USER}/lists/x/move`,
    );
    expect(apiTarget(`/api/${USER}/labels`, "", undefined)?.href).toBe(`http://127.0.0.1:8000/api/${USER}/labels`);
    expect(apiTarget(`/api/${USER}/tasks`, "?q=a", "http://127.0.0.1:9000")?.href).toBe(
      `http://127.0.0.1:9000/api/${USER}/tasks?q=a`,
    );
    expect(apiTarget(`/api/${USER}/tasks/x/complete`, "", undefined)?.href).toBe(
      `http://127.0.0.1:8000/api/${USER}/tasks/x/complete`,
    );
  });

  it("forwards the change feed and the event stream (issue 10), and nothing below them", () => {
    expect(apiTarget(`/api/${USER}/changes`, "?since=3&limit=10", undefined)?.href).toBe(
      `http://127.0.0.1:8000/api/${USER}/changes?since=3&limit=10`,
    );
    expect(apiTarget(`/api/${USER}/events`, "?since=0", undefined)?.href).toBe(
      `http://127.0.0.1:8000/api/${USER}/events?since=0`,
    );
    expect(apiTarget(`/api/${USER}/events/x`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/changesx`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/eventsx`, "", undefined)).toBeNull();
  });

  it("forwards the preferences (issue 11), and nothing below them", () => {
    expect(apiTarget(`/api/${USER}/preferences`, "", undefined)?.href).toBe(
      `http://127.0.0.1:8000/api/${USER}/preferences`,
    );
    expect(apiTarget(`/api/${USER}/preferences/x`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/preferencesx`, "", undefined)).toBeNull();
  });

  it("keeps Better Auth's paths and anything else here", () => {
    expect(apiTarget("/api/auth/tasks", "", undefined)).toBeNull();
    expect(apiTarget("/api/auth/token", "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/taskslist`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/listsx`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/lists/../../auth/token`, "", undefined)).toBeNull();
    expect(apiTarget(`/api/${USER}/tasks/../../auth/token`, "", undefined)).toBeNull();
  });
});

describe("TasksApi: issue 11 (preferences, views, completion undo)", () => {
  function client(responses: Response[]) {
    const tokens = new TokenCache({ fetchToken: async () => jwt("t") });
    const calls: Request[] = [];
    const fetchImpl = vi.fn(async (request: Request) => {
      calls.push(request);
      const next = responses.shift();
      if (!next) throw new Error("no more responses");
      return next;
    });
    return { api: new TasksApi(USER, tokens, { fetch: fetchImpl, origin: "http://app.test" }), calls };
  }
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", ...headers } });

  it("reads the preferences with their version and saves them with If-Match", async () => {
    const { api, calls } = client([
      json({ time_zone: "UTC", week_start: "monday" }, { etag: '"0"' }),
      json({ time_zone: "Europe/Berlin", week_start: "sunday" }, { etag: '"1"' }),
    ]);
    expect(await api.preferences()).toEqual({ value: { time_zone: "UTC", week_start: "monday" }, etag: '"0"' });
    const saved = await api.savePreferences({ time_zone: "Europe/Berlin", week_start: "sunday" }, '"0"');
    expect(saved.etag).toBe('"1"');
    expect(calls[1]!.method).toBe("PUT");
    expect(calls[1]!.url).toBe(`http://app.test/api/${USER}/preferences`);
    expect(calls[1]!.headers.get("if-match")).toBe('"0"');
    expect(await calls[1]!.json()).toEqual({ time_zone: "Europe/Berlin", week_start: "sunday" });
  });

  it("names the field the API refused in the preferences", async () => {
    const { api } = client([
      problem(422, { title: "Invalid", errors: [{ field: "time_zone", message: "unknown time zone" }] }),
    ]);
    const error = await api.savePreferences({ time_zone: "Mars/Olympus", week_start: "monday" }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe("validation");
    expect((error as ApiError).fieldErrors()).toEqual({ time_zone: "unknown time zone" });
  });

  it("asks for a date view with its days, and undoes a completion with completed: false", async () => {
    const { api, calls } = client([json([]), json({ id: "t1" })]);
    await api.list({ view: "upcoming", days: 7, sort: "due_at", order: "asc", limit: 100 });
    const url = new URL(calls[0]!.url);
    expect(url.searchParams.get("view")).toBe("upcoming");
    expect(url.searchParams.get("days")).toBe("7");
    await api.setCompleted("t1", false);
    expect(calls[1]!.method).toBe("PATCH");
    expect(new URL(calls[1]!.url).pathname).toBe(`/api/${USER}/tasks/t1/complete`);
    expect(await calls[1]!.json()).toEqual({ completed: false });
  });
});
