/**
 * Idempotency keys for the API's POSTs (the IETF httpapi Idempotency-Key
 * draft, as the API implements it): one key per logical request, the same
 * key on every retry of it, so a retry after a lost answer never writes twice.
 *
 * A "logical request" is the same method, path and body: a request whose
 * answer never came (the network failed, the API was unreachable, 5xx) keeps
 * its key, and the next request with the same method, path and body (an
 * automatic retry, or the user pressing the button again on the same form)
 * sends it again; the API then replays the first answer if the first try did
 * land. A definitive answer (2xx, 4xx) ends the request: the next one, even
 * with the same body, is a new request with a new key (adding "Milk" twice on
 * purpose creates two tasks).
 */

/** How long a key whose answer never came is kept for a retry (the API keeps keys for 24 h). */
export const PENDING_KEY_TTL_MS = 60 * 60_000;

export interface IdempotencyKeysOptions {
  newKey?: () => string;
  now?: () => number;
  ttlMs?: number;
}

export class IdempotencyKeys {
  private readonly pending = new Map<string, { key: string; at: number }>();
  private readonly newKey: () => string;
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(options: IdempotencyKeysOptions = {}) {
    this.newKey = options.newKey ?? (() => crypto.randomUUID());
    this.now = options.now ?? (() => Date.now());
    this.ttlMs = options.ttlMs ?? PENDING_KEY_TTL_MS;
  }

  /** The key for this request: the one of an unanswered earlier try of it, else a new one. */
  keyFor(fingerprint: string): string {
    const now = this.now();
    for (const [print, entry] of this.pending) if (now - entry.at > this.ttlMs) this.pending.delete(print);
    const kept = this.pending.get(fingerprint);
    if (kept) return kept.key;
    const key = this.newKey();
    // Kept until an answer says the request is settled (see settled()).
    this.pending.set(fingerprint, { key, at: now });
    return key;
  }

  /** The request got a definitive answer: its next send is a new request. */
  settled(fingerprint: string): void {
    this.pending.delete(fingerprint);
  }
}

/** What identifies one logical request: method, path (with query) and body. */
export function requestFingerprint(method: string, path: string, body: string | null | undefined): string {
  return `${method.toUpperCase()} ${path}\n${body ?? ""}`;
}

/**
 * Whether an answer (its status; null: none came) leaves the request
 * unsettled: worth retrying with the same key. 409 is the API saying the
 * first try is still running.
 */
export function isUnsettled(status: number | null): boolean {
  return status === null || status === 409 || status === 429 || status >= 500;
}

/**
 * Sends a request with its idempotency key, retrying (same key) while the
 * answer is unsettled, up to `attempts` tries in all. A network failure
 * (fetch's TypeError) thrown by `send` counts as unsettled; anything else it
 * throws (signed out…) ends the request. Resolves to the last answer.
 */
export async function sendIdempotent(
  keys: IdempotencyKeys,
  fingerprint: string,
  send: (key: string) => Promise<Response>,
  {
    attempts = 2,
    delayMs = 400,
    sleep = defaultSleep,
  }: { attempts?: number; delayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const key = keys.keyFor(fingerprint);
    let response: Response;
    try {
      response = await send(key);
    } catch (error) {
      if (!(error instanceof TypeError)) keys.settled(fingerprint);
      if (!(error instanceof TypeError) || attempt >= attempts) throw error;
      await sleep(delayMs * attempt);
      continue;
    }
    if (!isUnsettled(response.status)) {
      keys.settled(fingerprint);
      return response;
    }
    // 409 for a key in use only: another 409 (a duplicate name…) is a definitive answer.
    if (response.status === 409 && !(await isKeyInUse(response))) {
      keys.settled(fingerprint);
      return response;
    }
    if (attempt >= attempts) return response;
    const retryAfter = Number(response.headers.get("retry-after"));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 5) * 1000 : delayMs * attempt);
  }
}

async function isKeyInUse(response: Response): Promise<boolean> {
  try {
    const body = (await response.clone().json()) as { type?: unknown };
    return typeof body.type === "string" && body.type.endsWith("idempotency-key-in-use");
  } catch {
    return false;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The header's value: the draft's quoted string form. */
export const idempotencyHeader = (key: string) => `"${key}"`;
