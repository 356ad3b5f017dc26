import { describe, expect, it, vi } from "vitest";

import { SignedOutError, TokenCache, jwtExpiry, sendWithToken } from "@/lib/token-cache";

/** An unsigned JWT-shaped string: the cache only reads `exp`. */
function fakeJwt(expSeconds: number, marker: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "EdDSA" })}.${enc({ sub: marker, exp: expSeconds })}.sig-${marker}`;
}

/** A controllable clock and a token source that counts its calls. */
function setup(lifetimeSeconds = 15 * 60) {
  let now = 1_700_000_000_000;
  let issued = 0;
  const fetchToken = vi.fn(async () => {
    issued += 1;
    return fakeJwt(Math.floor(now / 1000) + lifetimeSeconds, `t${issued}`);
  });
  const cache = new TokenCache({ fetchToken, now: () => now });
  return {
    cache,
    fetchToken,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("jwtExpiry", () => {
  it("reads exp in milliseconds", () => {
    expect(jwtExpiry(fakeJwt(1234, "a"))).toBe(1_234_000);
  });

  it("rejects tokens without a readable exp", () => {
    expect(() => jwtExpiry("not-a-jwt")).toThrow(/Malformed/);
    expect(() => jwtExpiry("a.!!!.c")).toThrow(/Malformed/);
    const noExp = `x.${Buffer.from(JSON.stringify({ sub: "u" })).toString("base64url")}.y`;
    expect(() => jwtExpiry(noExp)).toThrow(/exp/);
  });
});

describe("TokenCache", () => {
  it("reuses the token while it has more than a minute left", async () => {
    const { cache, fetchToken, advance } = setup();
    const first = await cache.getToken();
    advance(13 * 60_000); // 2 minutes left
    expect(await cache.getToken()).toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("refreshes a minute before expiry, not at expiry", async () => {
    const { cache, fetchToken, advance } = setup();
    const first = await cache.getToken();
    advance(14 * 60_000); // exactly one minute left: stale
    const second = await cache.getToken();
    expect(second).not.toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("shares one refresh between concurrent callers", async () => {
    const { cache, fetchToken } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fetchToken.mockImplementationOnce(async () => {
      await gate;
      return fakeJwt(Math.floor(Date.now() / 1000) + 3600 * 24 * 365 * 100, "shared");
    });
    const calls = Promise.all([cache.getToken(), cache.getToken(), cache.getToken()]);
    release();
    const tokens = await calls;
    expect(new Set(tokens).size).toBe(1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("tries again after a failed refresh instead of caching the failure", async () => {
    const { cache, fetchToken } = setup();
    fetchToken.mockRejectedValueOnce(new SignedOutError());
    await expect(cache.getToken()).rejects.toBeInstanceOf(SignedOutError);
    await expect(cache.getToken()).resolves.toMatch(/sig-/);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("invalidate(token) keeps a newer token fetched meanwhile", async () => {
    const { cache, fetchToken } = setup();
    const old = await cache.getToken();
    cache.invalidate(old);
    const fresh = await cache.getToken();
    cache.invalidate(old); // a late 401 for the old token
    expect(await cache.getToken()).toBe(fresh);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("clear() discards a refresh that was in flight", async () => {
    const { cache, fetchToken } = setup();
    let release!: () => void;
    fetchToken.mockImplementationOnce(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve(fakeJwt(Math.floor(Date.now() / 1000) + 10 ** 9, "before-clear"));
        }),
    );
    const pending = cache.getToken();
    cache.clear();
    release();
    await pending;
    expect(await cache.getToken()).not.toContain("before-clear");
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe("sendWithToken", () => {
  const status = (code: number) => new Response(code === 204 ? null : "{}", { status: code });

  it("sends with the cached token and returns a success as is", async () => {
    const { cache } = setup();
    const send = vi.fn(async (token: string) => status(token ? 200 : 500));
    const response = await sendWithToken(cache, send);
    expect(response.status).toBe(200);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0]).toBe(await cache.getToken());
  });

  it("retries once with a fresh token after a 401", async () => {
    const { cache, fetchToken } = setup();
    const used: string[] = [];
    const send = vi.fn(async (token: string) => {
      used.push(token);
      return status(used.length === 1 ? 401 : 200);
    });
    const response = await sendWithToken(cache, send);
    expect(response.status).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
    expect(used[0]).not.toBe(used[1]);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    // The fresh token is the one kept.
    expect(await cache.getToken()).toBe(used[1]);
  });

  it("gives up after the second 401 and returns it", async () => {
    const { cache } = setup();
    const send = vi.fn(async () => status(401));
    const response = await sendWithToken(cache, send);
    expect(response.status).toBe(401);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("does not retry other errors", async () => {
    const { cache, fetchToken } = setup();
    for (const code of [403, 404, 412, 503]) {
      const send = vi.fn(async () => status(code));
      expect((await sendWithToken(cache, send)).status).toBe(code);
      expect(send).toHaveBeenCalledTimes(1);
    }
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("concurrent 401s share one refresh", async () => {
    const { cache, fetchToken } = setup();
    const first = await cache.getToken();
    const send = vi.fn(async (token: string) => status(token === first ? 401 : 200));
    const results = await Promise.all([
      sendWithToken(cache, send),
      sendWithToken(cache, send),
      sendWithToken(cache, send),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});
