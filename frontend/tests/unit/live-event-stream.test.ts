import { afterEach, describe, expect, it, vi } from "vitest";

import { LiveStream, type LiveStatus, type StreamEvent } from "@/lib/live/event-stream";
import { SignedOutError, TokenCache } from "@/lib/token-cache";

function jwt(marker: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "EdDSA" })}.${enc({ exp: 4_000_000_000, m: marker })}.sig`;
}

/** An event stream the test writes to; aborting the request errors it, as fetch does. */
class FakeStream {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly body = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
  closed = false;
  send(text: string) {
    this.controller.enqueue(new TextEncoder().encode(text));
  }
  end() {
    this.closed = true;
    this.controller.close();
  }
  abort() {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller.error(new DOMException("aborted", "AbortError"));
    } catch {
      // already closed
    }
  }
}

type Answer = FakeStream | Response | Error;

interface Call {
  headers: Record<string, string>;
  stream: FakeStream | null;
}

/** A fetch that answers each call with the next scripted answer, and holds a stream open after them. */
function fakeFetch(script: Answer[]) {
  const calls: Call[] = [];
  const waiting: Array<() => void> = [];
  const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const answer = script.shift() ?? new FakeStream();
    const call: Call = { headers: { ...(init?.headers as Record<string, string>) }, stream: null };
    calls.push(call);
    waiting.splice(0).forEach((wake) => wake());
    if (answer instanceof Error) throw answer;
    if (answer instanceof Response) return answer;
    call.stream = answer;
    init?.signal?.addEventListener("abort", () => answer.abort());
    return new Response(answer.body, { status: 200, headers: { "content-type": "text/event-stream" } });
  });
  /** Resolves once `n` requests have been made. */
  const requests = async (n: number) => {
    while (calls.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
    return calls;
  };
  return { fetchImpl, calls, requests };
}

interface SetupOptions {
  lastEventId?: string;
  fetchToken?: () => Promise<string>;
  idleTimeoutMs?: number;
  onEvent?: (e: StreamEvent) => void;
}

function setup(script: Answer[], options: SetupOptions = {}) {
  let issued = 0;
  const fetchToken = vi.fn(options.fetchToken ?? (async () => jwt(`t${++issued}`)));
  const tokens = new TokenCache({ fetchToken });
  const { fetchImpl, calls, requests } = fakeFetch(script);
  const events: StreamEvent[] = [];
  const statuses: LiveStatus[] = [];
  const resyncs: Array<string | null> = [];
  const signedOut = vi.fn();
  const stream = new LiveStream({
    url: "/api/u/events",
    tokens,
    fetch: fetchImpl as unknown as typeof fetch,
    lastEventId: options.lastEventId ?? null,
    onEvent: options.onEvent ?? ((e) => void events.push(e)),
    onStatus: (s) => statuses.push(s),
    onResyncRequired: async (seq) => void resyncs.push(seq),
    onSignedOut: signedOut,
    backoff: { initialMs: 5, maxMs: 20 },
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    random: () => 0,
  });
  streams.push(stream);
  return { stream, tokens, fetchToken, calls, requests, events, statuses, resyncs, signedOut };
}

const streams: LiveStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.stop()));
});

const problem = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });

const change = (seq: number) => JSON.stringify({ seq, entity: "task", op: "delete", id: `id-${seq}`, data: null });

describe("LiveStream", () => {
  it("parses the framing however it is cut (CRLF, multi-line data, comments) and sends token and position", async () => {
    const first = new FakeStream();
    const t = setup([first], { lastEventId: "7" });
    t.stream.start();
    await t.requests(1);
    expect(t.calls[0]!.headers).toMatchObject({
      Accept: "text/event-stream",
      Authorization: `Bearer ${jwt("t1")}`,
      "Last-Event-ID": "7",
    });
    first.send(": keep-alive\r\n\r\nid: 8\r\nevent: task.delete\r\ndata: ");
    first.send(`${change(8)}\r\n\r`);
    first.send("\nid: 9\nevent: list.upsert\ndata: line one\ndata: line two\n\n");
    first.send('event: ready\nid: 9\ndata: {"seq":9}\n\n');
    await vi.waitFor(() => expect(t.events).toHaveLength(3));
    expect(t.events).toEqual([
      { id: "8", event: "task.delete", data: change(8) },
      { id: "9", event: "list.upsert", data: "line one\nline two" },
      { id: "9", event: "ready", data: '{"seq":9}' },
    ]);
    expect(t.stream.lastEventId).toBe("9");
    expect(t.statuses).toEqual(["connecting", "live"]);
  });

  it("connects without a position when it has none (the API starts live and says ready)", async () => {
    const t = setup([]);
    t.stream.start();
    await t.requests(1);
    expect(t.calls[0]!.headers["Last-Event-ID"]).toBeUndefined();
  });

  it("after the stream ends or the network fails, reconnects with backoff from the last event handled", async () => {
    const first = new FakeStream();
    const t = setup([first, new TypeError("network down"), new Response("", { status: 503 })]);
    t.stream.start();
    await t.requests(1);
    first.send(`id: 41\nevent: task.delete\ndata: ${change(41)}\n\n`);
    await vi.waitFor(() => expect(t.stream.lastEventId).toBe("41"));
    first.end();
    const calls = await t.requests(4);
    expect(calls.slice(1).map((c) => c.headers["Last-Event-ID"])).toEqual(["41", "41", "41"]);
    // Three failures in a row (end, network, 503) read as offline; the next event as live again.
    expect(t.statuses).toEqual(["connecting", "live", "reconnecting", "offline"]);
    calls[3]!.stream!.send(`id: 42\nevent: task.delete\ndata: ${change(42)}\n\n`);
    await vi.waitFor(() => expect(t.statuses.at(-1)).toBe("live"));
  });

  it("on token-expired reconnects at once with a fresh token, from where it was", async () => {
    const first = new FakeStream();
    const t = setup([first]);
    t.stream.start();
    await t.requests(1);
    first.send(`id: 5\nevent: task.delete\ndata: ${change(5)}\n\nevent: token-expired\ndata: {}\n\n`);
    const calls = await t.requests(2);
    expect(calls[1]!.headers).toMatchObject({ Authorization: `Bearer ${jwt("t2")}`, "Last-Event-ID": "5" });
    expect(t.events.map((e) => e.event)).toEqual(["task.delete"]);
    expect(t.statuses).not.toContain("offline");
  });

  it("on resync reconnects at once from the last id, with the same token", async () => {
    const first = new FakeStream();
    const t = setup([first]);
    t.stream.start();
    await t.requests(1);
    first.send(`id: 12\nevent: task.delete\ndata: ${change(12)}\n\nevent: resync\ndata: {}\n\n`);
    const calls = await t.requests(2);
    expect(calls[1]!.headers).toMatchObject({ Authorization: `Bearer ${jwt("t1")}`, "Last-Event-ID": "12" });
    expect(first.closed).toBe(true);
  });

  it("on 410 reloads everything, then continues from the problem's seq", async () => {
    const t = setup([problem(410, { type: "x/resync-required", title: "Resync required", seq: 90 })], {
      lastEventId: "3",
    });
    t.stream.start();
    const calls = await t.requests(2);
    expect(t.resyncs).toEqual(["90"]);
    expect(calls[1]!.headers["Last-Event-ID"]).toBe("90");
  });

  it("on 400 for a position the API does not know, reloads and starts live", async () => {
    const t = setup([problem(400, { detail: "since is beyond the latest change" })], { lastEventId: "999" });
    t.stream.start();
    const calls = await t.requests(2);
    expect(t.resyncs).toEqual([null]);
    expect(calls[1]!.headers["Last-Event-ID"]).toBeUndefined();
  });

  it("on 401 fetches a fresh token once and tries again at once", async () => {
    const t = setup([problem(401, {})]);
    t.stream.start();
    const calls = await t.requests(2);
    expect(calls.map((c) => c.headers.Authorization)).toEqual([`Bearer ${jwt("t1")}`, `Bearer ${jwt("t2")}`]);
    expect(t.statuses).toEqual(["connecting"]);
  });

  it("after 429 waits as long as Retry-After says", async () => {
    const t = setup([problem(429, {}, { "retry-after": "1" })]);
    const started = Date.now();
    t.stream.start();
    await t.requests(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("stops for good when the user has signed out", async () => {
    const t = setup([], { fetchToken: async () => Promise.reject(new SignedOutError()) });
    t.stream.start();
    await vi.waitFor(() => expect(t.signedOut).toHaveBeenCalledOnce());
    expect(t.calls).toHaveLength(0);
    expect(t.statuses).toEqual(["connecting", "offline"]);
  });

  it("takes a silent connection for dead and opens another", async () => {
    const t = setup([], { idleTimeoutMs: 50 });
    t.stream.start();
    const calls = await t.requests(2);
    expect(calls[0]!.stream!.closed).toBe(true);
  });

  it("pause closes the stream and resume reopens it from the same place", async () => {
    const first = new FakeStream();
    const t = setup([first]);
    t.stream.start();
    await t.requests(1);
    first.send(`id: 3\nevent: task.delete\ndata: ${change(3)}\n\n`);
    await vi.waitFor(() => expect(t.stream.lastEventId).toBe("3"));
    t.stream.pause();
    await vi.waitFor(() => expect(first.closed).toBe(true));
    await new Promise((r) => setTimeout(r, 30));
    expect(t.calls).toHaveLength(1);
    t.stream.resume();
    const calls = await t.requests(2);
    expect(calls[1]!.headers["Last-Event-ID"]).toBe("3");
  });

  it("an event the page cannot use does not stop the ones after it", async () => {
    const first = new FakeStream();
    const seen: string[] = [];
    const t = setup([first], {
      onEvent: (e) => {
        if (e.id === "1") throw new Error("boom");
        seen.push(e.id ?? "");
      },
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    t.stream.start();
    await t.requests(1);
    first.send(`id: 1\nevent: task.upsert\ndata: x\n\nid: 2\nevent: task.upsert\ndata: y\n\n`);
    await vi.waitFor(() => expect(seen).toEqual(["2"]));
    expect(t.stream.lastEventId).toBe("2");
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
