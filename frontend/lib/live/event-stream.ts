/**
 * The API's server-sent events (GET /api/{user_id}/events), read with fetch:
 * `EventSource` cannot send the bearer token. The framing is parsed by
 * eventsource-parser (ids, event names, comments, multi-line data, CR/LF/CRLF,
 * a leading BOM, chunks split anywhere).
 *
 * One `LiveStream` keeps one connection open and resumes after every break
 * from the last event it handled (`Last-Event-ID`), so the API replays exactly
 * what was missed:
 * - a network failure, a 5xx or a stream that just ends: again after a
 *   backoff (1 s doubling to 30 s, with jitter), or at once when the browser
 *   says it is back online;
 * - `event: token-expired`: at once, with a fresh token;
 * - `event: resync` (the API's buffer for this tab overflowed): at once;
 * - 401: once more at once with a fresh token, then with backoff;
 * - 410 (the position is older than the kept log): `onResyncRequired`
 *   reloads everything, then the stream continues from the problem's `seq`;
 * - 400 (the position is unknown to the API, e.g. a reset database): the same
 *   reload, then live from the API's latest position;
 * - 429 (too many streams open for this user): after `Retry-After`;
 * - nothing at all (not even the 15 s keep-alive) for 45 s: the connection is
 *   taken for dead and opened again.
 * It stops for good when no token can be had because the user signed out.
 */
import { createParser } from "eventsource-parser";

import { SignedOutError, type TokenCache } from "../token-cache";

/** What the indicator shows. */
export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";

export interface StreamEvent {
  /** The event's `id` (a change's seq), if it had one. */
  id: string | undefined;
  /** The event name; `message` when the server gave none. */
  event: string;
  data: string;
}

/** About the connection an event came on. */
export interface StreamInfo {
  /** It started from a position (Last-Event-ID), so the API replayed what was missed. */
  resumed: boolean;
  /** When it was asked for (ms since the epoch): data read before then may predate its start. */
  sentAt: number;
}

export interface LiveStreamOptions {
  /** Same-origin URL of the stream, e.g. `/api/{user_id}/events`. */
  url: string;
  tokens: TokenCache;
  /** A change event or `ready`. The event's id counts as handled once this returns. */
  onEvent: (event: StreamEvent, info: StreamInfo) => void;
  /**
   * The API no longer has the log from our position (410), or does not know
   * it (400): reload everything. The stream then continues from the API's `seq`
   * (or live, when it gave none) once the returned promise settles.
   */
  onResyncRequired: (seq: string | null) => void | Promise<void>;
  onStatus?: (status: LiveStatus) => void;
  /** No token can be had: the user signed out. The stream has stopped. */
  onSignedOut?: () => void;
  /** Where to start; null: from now on (the API sends `ready` with its position). */
  lastEventId?: string | null;
  fetch?: typeof fetch;
  /** Backoff after a failure: first delay and ceiling, in ms. */
  backoff?: { initialMs: number; maxMs: number };
  /** Silence after which a connection counts as dead, in ms (3 keep-alives). */
  idleTimeoutMs?: number;
  random?: () => number;
}

const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
/** Failures in a row after which the indicator says offline rather than reconnecting. */
const OFFLINE_AFTER_FAILURES = 3;

/** How a connection ended, and so what the next one does. */
type Outcome =
  | { next: "now" } // token-expired, resync, a first 401, after a 410 reload
  | { next: "backoff" } // failures
  | { next: "after"; ms: number } // 429 Retry-After
  | { next: "stop" };

export class LiveStream {
  private readonly options: LiveStreamOptions;
  private readonly fetchImpl: typeof fetch;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly idleTimeoutMs: number;
  private readonly random: () => number;
  private lastId: string | null;
  private running = false;
  private paused = false;
  private failures = 0;
  private status: LiveStatus | null = null;
  private connection: AbortController | null = null;
  /** Ends the current wait between two connections early. */
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private sentAt = 0;

  constructor(options: LiveStreamOptions) {
    this.options = options;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.lastId = options.lastEventId ?? null;
  }

  /** The id of the last event handled: where a new connection resumes. */
  get lastEventId(): string | null {
    return this.lastId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.paused = false;
    this.loop = this.run();
  }

  /** Closes the connection for good; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.connection?.abort();
    this.wake?.();
    await this.loop;
  }

  /** Closes the connection (e.g. a tab hidden for long) until `resume`, keeping the position. */
  pause(): void {
    if (!this.running || this.paused) return;
    this.paused = true;
    this.setStatus("reconnecting");
    this.connection?.abort();
    this.wake?.();
  }

  resume(): void {
    if (!this.running || !this.paused) return;
    this.paused = false;
    this.wake?.();
  }

  /** Skips the current backoff wait (the browser is back online). */
  retryNow(): void {
    this.wake?.();
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async run(): Promise<void> {
    this.setStatus("connecting");
    while (this.running) {
      if (this.paused) {
        await this.sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      const outcome = await this.connect();
      if (!this.running || outcome.next === "stop") break;
      if (this.paused) continue;
      if (outcome.next === "now") {
        this.setStatus("reconnecting");
        continue;
      }
      this.failures += 1;
      this.setStatus(this.failures >= OFFLINE_AFTER_FAILURES || offline() ? "offline" : "reconnecting");
      await this.sleep(outcome.next === "after" ? outcome.ms : this.backoffDelay());
    }
    this.running = false;
  }

  /** Full jitter over the upper half: initial·2^(n-1), capped, times 0.5–1. */
  private backoffDelay(): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.max(0, this.failures - 1));
    return Math.round(ceiling * (0.5 + this.random() * 0.5));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.wake = done;
    });
  }

  /** One connection, from the request to the end of its stream. */
  private async connect(): Promise<Outcome> {
    const { tokens } = this.options;
    let token: string;
    try {
      token = await tokens.getToken();
    } catch (error) {
      if (error instanceof SignedOutError) return this.signedOut();
      return { next: "backoff" };
    }
    const first = await this.open(token);
    if (first instanceof Response && first.status === 401) {
      // The token may have been revoked or the API may not know its key yet: one fresh one at once.
      await first.body?.cancel().catch(() => undefined);
      tokens.invalidate(token);
      try {
        token = await tokens.getToken();
      } catch (error) {
        if (error instanceof SignedOutError) return this.signedOut();
        return { next: "backoff" };
      }
      return this.consume(await this.open(token), token);
    }
    return this.consume(first, token);
  }

  private signedOut(): Outcome {
    this.running = false;
    this.setStatus("offline");
    this.options.onSignedOut?.();
    return { next: "stop" };
  }

  /** The response, or null when the request failed (network, or aborted). */
  private async open(token: string): Promise<Response | null> {
    const controller = new AbortController();
    this.connection = controller;
    const headers: Record<string, string> = { Accept: "text/event-stream", Authorization: `Bearer ${token}` };
    if (this.lastId !== null) headers["Last-Event-ID"] = this.lastId;
    this.sentAt = Date.now();
    try {
      return await this.fetchImpl(this.options.url, {
        headers,
        cache: "no-store",
        signal: controller.signal,
      });
    } catch {
      return null;
    }
  }

  private async consume(response: Response | null, token: string): Promise<Outcome> {
    if (!response) return { next: "backoff" };
    const type = response.headers.get("content-type")?.toLowerCase() ?? "";
    if (response.ok && type.startsWith("text/event-stream") && response.body) {
      return this.read(response.body, token);
    }
    const problem = await readProblem(response);
    switch (response.status) {
      case 410: {
        const seq = problem && /^\d+$/.test(String(problem.seq)) ? String(problem.seq) : null;
        await this.resync(seq);
        return { next: "now" };
      }
      case 400:
        if (this.lastId !== null) {
          // Our position means nothing to the API (its data was reset): start over.
          await this.resync(null);
          return { next: "now" };
        }
        return { next: "backoff" };
      case 401:
        // Still refused with a fresh token: try again later (a signed-out user ends at getToken).
        this.options.tokens.invalidate(token);
        return { next: "backoff" };
      case 429: {
        const seconds = Number(response.headers.get("retry-after"));
        const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.backoffDelay();
        return { next: "after", ms: Math.round(ms * (1 + this.random() * 0.2)) };
      }
      default:
        return { next: "backoff" };
    }
  }

  private async resync(seq: string | null): Promise<void> {
    try {
      await this.options.onResyncRequired(seq);
    } catch {
      // The reload's own failures are shown by the queries it started.
    }
    this.lastId = seq;
  }

  private async read(body: ReadableStream<Uint8Array>, token: string): Promise<Outcome> {
    const info: StreamInfo = { resumed: this.lastId !== null, sentAt: this.sentAt };
    let outcome: Outcome = { next: "backoff" };
    const controller = this.connection;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller?.abort(), this.idleTimeoutMs);
    };
    const parser = createParser({
      onEvent: (message) => {
        const name = message.event ?? "message";
        if (name === "token-expired") {
          this.options.tokens.invalidate(token);
          outcome = { next: "now" };
          controller?.abort();
          return;
        }
        if (name === "resync") {
          outcome = { next: "now" };
          controller?.abort();
          return;
        }
        try {
          this.options.onEvent({ id: message.id, event: name, data: message.data }, info);
        } catch (error) {
          // One event the page could not use must not stop the ones after it (nor replay forever).
          console.error("A live update could not be applied", error);
        }
        if (message.id !== undefined) this.lastId = message.id;
        if (name === "ready" || message.id !== undefined) {
          this.failures = 0;
          this.setStatus("live");
        }
      },
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    heard();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        heard();
        parser.feed(decoder.decode(value, { stream: true }));
        if (outcome.next !== "backoff") break;
      }
    } catch {
      // Aborted (ours: token-expired, resync, idle, pause, stop) or the network failed.
    } finally {
      clearTimeout(idle);
      controller?.abort();
      void reader.cancel().catch(() => undefined);
    }
    return outcome;
  }
}

function offline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}

async function readProblem(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : null;
    return body && typeof body === "object" ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
