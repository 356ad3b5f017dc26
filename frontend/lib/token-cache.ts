/**
 * Keeps the API's JWT in memory only (never in storage a script could read
 * back later), refreshes it shortly before it expires, shares one refresh
 * between concurrent callers, and retries a request once with a fresh token
 * when the API says 401.
 */

/** Thrown when no token can be had because the user is not signed in. */
export class SignedOutError extends Error {
  constructor(message = "You are signed out.") {
    super(message);
    this.name = "SignedOutError";
  }
}

export interface TokenCacheOptions {
  /** Fetches a new JWT (in the app: `authClient.token()`). */
  fetchToken: () => Promise<string>;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How long before `exp` a token counts as stale. Default: one minute. */
  refreshMarginMs?: number;
}

interface Cached {
  token: string;
  /** `exp` in milliseconds since the epoch. */
  expiresAt: number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export class TokenCache {
  private readonly fetchToken: () => Promise<string>;
  private readonly now: () => number;
  private readonly margin: number;
  private cached: Cached | null = null;
  private inFlight: Promise<string> | null = null;
  private generation = 0;

  constructor(options: TokenCacheOptions) {
    this.fetchToken = options.fetchToken;
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  }

  /** A token valid for at least the refresh margin, fetching one if needed. */
  getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.expiresAt - this.margin) {
      return Promise.resolve(cached.token);
    }
    return this.refresh();
  }

  /**
   * Forgets `token` if it is still the cached one. Passing the token that
   * failed (rather than clearing blindly) keeps a fresh token that another
   * request has fetched meanwhile.
   */
  invalidate(token?: string): void {
    if (token === undefined || this.cached?.token === token) {
      this.cached = null;
    }
  }

  /** Forgets everything, e.g. on sign-out; an in-flight fetch is discarded. */
  clear(): void {
    this.cached = null;
    this.inFlight = null;
    this.generation += 1;
  }

  private refresh(): Promise<string> {
    if (this.inFlight) return this.inFlight;
    const generation = this.generation;
    const request = (async () => {
      try {
        const token = await this.fetchToken();
        if (generation === this.generation) {
          this.cached = { token, expiresAt: jwtExpiry(token) };
        }
        return token;
      } finally {
        if (generation === this.generation) this.inFlight = null;
      }
    })();
    this.inFlight = request;
    return request;
  }
}

/** `exp` of a JWT in milliseconds. The signature is the API's business. */
export function jwtExpiry(token: string): number {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("Malformed token: no payload.");
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(payload));
  } catch {
    throw new Error("Malformed token: payload is not JSON.");
  }
  const exp = (claims as { exp?: unknown } | null)?.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw new Error("Malformed token: no numeric exp claim.");
  }
  return exp * 1000;
}

function decodeBase64Url(input: string): string {
  const base64 = input.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Runs `send` with a token; on 401 it drops that token and tries exactly once
 * more with a freshly fetched one. The second answer is returned as it is.
 */
export async function sendWithToken(cache: TokenCache, send: (token: string) => Promise<Response>): Promise<Response> {
  const token = await cache.getToken();
  const first = await send(token);
  if (first.status !== 401) return first;
  // Release the first response's body before asking again.
  await first.body?.cancel().catch(() => undefined);
  cache.invalidate(token);
  const fresh = await cache.getToken();
  return send(fresh);
}
