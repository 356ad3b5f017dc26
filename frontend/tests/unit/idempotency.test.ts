import { describe, expect, it, vi } from "vitest";

import { IdempotencyKeys, requestFingerprint, sendIdempotent } from "@/lib/idempotency";
import { TasksApi } from "@/lib/tasks-api";
import { TokenCache } from "@/lib/token-cache";

const USER = "0b4c2f62-9a3e-4d5c-8f1e-2a6b7c8d9e0f";

function jwt(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "EdDSA" })}.${enc({ sub: USER, exp: 4_000_000_000 })}.sig`;
}

function counter() {
  let n = 0;
  return () => `key-${++n}`;
}

const created = (body: object = { id: "t1", title: "Milk" }) =>
  new Response(JSON.stringify(body), { status: 201, headers: { "content-type": "application/json", etag: '"1"' } });
const noSleep = async () => undefined;

describe("IdempotencyKeys", () => {
  it("keeps the key of a request whose answer never came, for the same request only", () => {
    const keys = new IdempotencyKeys({ newKey: counter() });
    const milk = requestFingerprint("POST", "/api/u/tasks", '{"title":"Milk"}');
    const eggs = requestFingerprint("POST", "/api/u/tasks", '{"title":"Eggs"}');
    expect(keys.keyFor(milk)).toBe("key-1");
    expect(keys.keyFor(milk)).toBe("key-1");
    expect(keys.keyFor(eggs)).toBe("key-2");
    keys.settled(milk);
    // Settled: adding Milk again on purpose is a new request.
    expect(keys.keyFor(milk)).toBe("key-3");
  });

  it("forgets an unanswered key after its time", () => {
    let now = 0;
    const keys = new IdempotencyKeys({ newKey: counter(), now: () => now, ttlMs: 1000 });
    const print = requestFingerprint("POST", "/x", "{}");
    expect(keys.keyFor(print)).toBe("key-1");
    now = 1001;
    expect(keys.keyFor(print)).toBe("key-2");
  });
});

describe("sendIdempotent", () => {
  it("retries a lost answer (network failure, 503, key in use) with the same key, and settles on an answer", async () => {
    const keys = new IdempotencyKeys({ newKey: counter() });
    const sent: string[] = [];
    const answers: (Response | Error)[] = [
      new TypeError("network"),
      new Response(null, { status: 503 }),
      new Response(JSON.stringify({ type: "urn:todo-api:problem:idempotency-key-in-use" }), {
        status: 409,
        headers: { "content-type": "application/problem+json", "retry-after": "1" },
      }),
      created(),
    ];
    const response = await sendIdempotent(
      keys,
      "f",
      async (key) => {
        sent.push(key);
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      { attempts: 4, sleep: noSleep },
    );
    expect(response.status).toBe(201);
    expect(sent).toEqual(["key-1", "key-1", "key-1", "key-1"]);
    // Settled: the next request is a new one.
    expect(keys.keyFor("f")).toBe("key-2");
  });

  it("does not retry a definitive answer (a 409 conflict that is not about the key, a 422)", async () => {
    const keys = new IdempotencyKeys({ newKey: counter() });
    const send = vi.fn(
      async () =>
        new Response(JSON.stringify({ type: "urn:todo-api:problem:conflict" }), {
          status: 409,
          headers: { "content-type": "application/problem+json" },
        }),
    );
    expect((await sendIdempotent(keys, "f", send, { sleep: noSleep })).status).toBe(409);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("keeps the key when every try failed, so the user's own retry of the same request reuses it", async () => {
    const keys = new IdempotencyKeys({ newKey: counter() });
    const send = vi.fn(async () => {
      throw new TypeError("offline");
    });
    await expect(sendIdempotent(keys, "f", send, { attempts: 2, sleep: noSleep })).rejects.toThrow("offline");
    expect(send).toHaveBeenCalledTimes(2);
    expect(keys.keyFor("f")).toBe("key-1");
  });
});

describe("TasksApi: Idempotency-Key on every POST (issue 12)", () => {
  function api(responses: (Response | Error)[], keys = new IdempotencyKeys({ newKey: counter() })) {
    const tokens = new TokenCache({ fetchToken: vi.fn(async () => jwt()) });
    const calls: Request[] = [];
    const fetchImpl = vi.fn(async (request: Request) => {
      calls.push(request);
      const next = responses.shift();
      if (!next) throw new Error("no more responses");
      if (next instanceof Error) throw next;
      return next;
    });
    return {
      api: new TasksApi(USER, tokens, { fetch: fetchImpl, origin: "http://app.test", idempotencyKeys: keys }),
      calls,
    };
  }

  it("sends a quoted key on a create, the same one on the retry after a lost answer", async () => {
    const { api: client, calls } = api([new TypeError("connection reset"), created()]);
    const { task } = await client.create({ title: "Milk" });
    expect(task.title).toBe("Milk");
    expect(calls.map((c) => c.headers.get("idempotency-key"))).toEqual(['"key-1"', '"key-1"']);
    expect(calls.every((c) => c.headers.get("authorization")?.startsWith("Bearer "))).toBe(true);
  });

  it("gives two separate creates (lists, labels, batch, import) their own keys, and reads none on a GET", async () => {
    const { api: client, calls } = api([
      created({ id: "l1", name: "Home" }),
      created({ id: "b1", name: "urgent" }),
      new Response(JSON.stringify({ tasks: [] }), { status: 200, headers: { "content-type": "application/json" } }),
      new Response(
        JSON.stringify({ created: { lists: 0, labels: 0, tasks: 0, completions: 0 }, skipped: [], warnings: [] }),
        {
          status: 200,
          headers: { "content-type": "application/json" },
        },
      ),
      new Response("[]", { status: 200, headers: { "content-type": "application/json" } }),
    ]);
    await client.createList({ name: "Home" });
    await client.createLabel({ name: "urgent" });
    await client.batch([{ op: "complete", id: "t1" }]);
    await client.importData(new Blob(["{}"], { type: "application/json" }), "json");
    await client.trash();
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname} ${c.headers.get("idempotency-key")}`)).toEqual([
      `POST /api/${USER}/lists "key-1"`,
      `POST /api/${USER}/labels "key-2"`,
      `POST /api/${USER}/tasks/batch "key-3"`,
      `POST /api/${USER}/import "key-4"`,
      `GET /api/${USER}/trash null`,
    ]);
    expect(calls[3]!.headers.get("content-type")).toBe("application/json");
  });
});
