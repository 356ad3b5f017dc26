/**
 * Better Auth ↔ Rust API, without a browser: real sign-ups over HTTP, real
 * JWTs from /api/auth/token, the real API verifying them against the web
 * app's JWKS. One fresh database for the whole file.
 */
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildAuthOptions } from "@/lib/auth-options";
import { readRateLimitSettings } from "@/lib/server-config";

import { STRONG_PASSWORD, apiToken, authPost, signUp, uniqueEmail, type SignedUpUser } from "../support/auth-http";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startStack, type Stack } from "../support/stack";

let stack: Stack;
let alice: SignedUpUser;
let bob: SignedUpUser;
let aliceToken: string;
let bobToken: string;

const CREDENTIALS_MAX = 6;

beforeAll(async () => {
  stack = await startStack({
    webEnv: {
      AUTH_RATE_LIMIT_CREDENTIALS_MAX: String(CREDENTIALS_MAX),
      AUTH_RATE_LIMIT_CREDENTIALS_WINDOW_SECONDS: "60",
    },
  });
  alice = await signUp(stack.webUrl, "alice");
  bob = await signUp(stack.webUrl, "bob");
  aliceToken = await apiToken(stack.webUrl, alice.cookie);
  bobToken = await apiToken(stack.webUrl, bob.cookie);
});

afterAll(async () => {
  await stack?.stop();
});

interface ApiCall {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  base?: string;
}

async function api(token: string | null, path: string, { method = "GET", body, headers = {}, base }: ApiCall = {}) {
  const response = await fetch(`${base ?? stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : null;
  return { status: response.status, headers: response.headers, json: json as Record<string, unknown> & unknown[] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const tasks = (user: SignedUpUser) => `/api/${user.id}/tasks`;

describe("Better Auth issues what the API expects", () => {
  it("gives uuid user ids", () => {
    expect(alice.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("signs EdDSA JWTs with the agreed issuer, audience, lifetime and payload", () => {
    const header = decodeProtectedHeader(aliceToken);
    const claims = decodeJwt(aliceToken);
    expect(header.alg).toBe("EdDSA");
    expect(typeof header.kid).toBe("string");
    expect(claims).toMatchObject({
      iss: stack.webUrl,
      aud: "todo-api",
      sub: alice.id,
      email: alice.email,
      name: alice.name,
    });
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
  });

  it("publishes the signing key as an Ed25519 JWK", async () => {
    const jwks = (await (await fetch(`${stack.webUrl}/api/auth/jwks`)).json()) as {
      keys: Array<Record<string, string>>;
    };
    const kid = decodeProtectedHeader(aliceToken).kid;
    const key = jwks.keys.find((k) => k.kid === kid);
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(key).not.toHaveProperty("d");
  });
});

describe("the password rule on the server", () => {
  it("rejects a weak sign-up, naming what is missing", async () => {
    const response = await authPost(stack.webUrl, "/sign-up/email", {
      name: "Weak",
      email: uniqueEmail("weak"),
      password: "weakpass",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; code: string };
    expect(body.code).toBe("PASSWORD_TOO_WEAK");
    expect(body.message).toBe("Password needs an upper-case letter, a digit and a symbol.");
  });

  it("rejects a weak new password on change-password and keeps the old one", async () => {
    const response = await authPost(
      stack.webUrl,
      "/change-password",
      { currentPassword: alice.password, newPassword: "Alllowercase1" },
      alice.cookie,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe("Password needs a symbol.");
    const signIn = await authPost(stack.webUrl, "/sign-in/email", { email: alice.email, password: alice.password });
    expect(signIn.status).toBe(200);
  });
});

describe("user A's own tasks", () => {
  it("create, read, list, update with If-Match, complete and delete", async () => {
    const created = await api(aliceToken, tasks(alice), {
      method: "POST",
      body: { title: "Buy milk", description: "2 litres", priority: "high" },
    });
    expect(created.status).toBe(201);
    const task = created.json as unknown as { id: string; user_id: string; title: string; completed: boolean };
    expect(task).toMatchObject({ user_id: alice.id, title: "Buy milk", completed: false, priority: "high" });
    expect(created.headers.get("location")).toContain(`${tasks(alice)}/${task.id}`);

    const read = await api(aliceToken, `${tasks(alice)}/${task.id}`);
    expect(read.status).toBe(200);
    const etag = read.headers.get("etag");
    expect(etag).toMatch(/^"\d+"$/);

    const list = await api(aliceToken, tasks(alice));
    expect(list.status).toBe(200);
    expect((list.json as unknown as Array<{ id: string }>).map((t) => t.id)).toEqual([task.id]);

    const patched = await api(aliceToken, `${tasks(alice)}/${task.id}`, {
      method: "PATCH",
      body: { title: "Buy oat milk", description: null },
      headers: { "if-match": etag! },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ title: "Buy oat milk", description: null, priority: "high" });

    const stale = await api(aliceToken, `${tasks(alice)}/${task.id}`, {
      method: "PATCH",
      body: { title: "Lost update" },
      headers: { "if-match": etag! },
    });
    expect(stale.status).toBe(412);

    const completed = await api(aliceToken, `${tasks(alice)}/${task.id}/complete`, {
      method: "PATCH",
      body: { completed: true },
    });
    expect(completed.status).toBe(200);
    expect(completed.json).toMatchObject({ completed: true, title: "Buy oat milk" });

    const deleted = await api(aliceToken, `${tasks(alice)}/${task.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect((await api(aliceToken, `${tasks(alice)}/${task.id}`)).status).toBe(404);
  });

  it("works the same through the web app's same-origin proxy, which keeps /api/auth for Better Auth", async () => {
    const created = await api(aliceToken, tasks(alice), {
      method: "POST",
      body: { title: "Via the proxy" },
      base: stack.webUrl,
    });
    expect(created.status).toBe(201);
    const list = await api(aliceToken, `${tasks(alice)}?q=proxy`, { base: stack.webUrl });
    expect(list.status).toBe(200);
    expect((list.json as unknown as Array<{ title: string }>).map((t) => t.title)).toEqual(["Via the proxy"]);
    const anonymous = await api(null, tasks(alice), { base: stack.webUrl });
    expect(anonymous.status).toBe(401);
    const session = await fetch(`${stack.webUrl}/api/auth/get-session`, { headers: { cookie: alice.cookie } });
    expect(((await session.json()) as { user: { id: string } }).user.id).toBe(alice.id);
  });
});

describe("isolation between users", () => {
  let bobTaskId: string;

  beforeAll(async () => {
    const created = await api(bobToken, tasks(bob), { method: "POST", body: { title: "Bob's secret" } });
    expect(created.status).toBe(201);
    bobTaskId = (created.json as unknown as { id: string }).id;
  });

  it("A on B's path gets 403, for every method", async () => {
    expect((await api(aliceToken, tasks(bob))).status).toBe(403);
    expect((await api(aliceToken, tasks(bob), { method: "POST", body: { title: "x" } })).status).toBe(403);
    expect((await api(aliceToken, `${tasks(bob)}/${bobTaskId}`)).status).toBe(403);
    expect((await api(aliceToken, `${tasks(bob)}/${bobTaskId}`, { method: "DELETE" })).status).toBe(403);
  });

  it("A asking for B's task id under A's own path gets 404, and B's task is untouched", async () => {
    const path = `${tasks(alice)}/${bobTaskId}`;
    expect((await api(aliceToken, path)).status).toBe(404);
    expect((await api(aliceToken, path, { method: "PATCH", body: { title: "hijacked" } })).status).toBe(404);
    expect((await api(aliceToken, `${path}/complete`, { method: "PATCH" })).status).toBe(404);
    expect((await api(aliceToken, path, { method: "DELETE" })).status).toBe(404);
    const mine = await api(bobToken, `${tasks(bob)}/${bobTaskId}`);
    expect(mine.json).toMatchObject({ title: "Bob's secret", completed: false });
  });

  it("A's list never shows B's tasks", async () => {
    const list = await api(aliceToken, `${tasks(alice)}?q=secret`);
    expect(list.json).toEqual([]);
  });
});

describe("tokens the API must refuse", () => {
  const expect401 = async (token: string | null) => {
    const response = await api(token, tasks(alice));
    expect(response.status).toBe(401);
    // RFC 6750 §3.1: no credentials get the bare challenge, a refused token the error code.
    expect(response.headers.get("www-authenticate")).toBe(
      token === null ? 'Bearer realm="todo-api"' : 'Bearer error="invalid_token"',
    );
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  };

  it("no token", async () => {
    await expect401(null);
  });

  it("a token whose payload was altered (sub swapped to B)", async () => {
    const [header, payload, signature] = aliceToken.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: bob.id })).toString("base64url");
    await expect401(`${header}.${forged}.${signature}`);
    // …and used on B's path, where the subject would match:
    const response = await api(`${header}.${forged}.${signature}`, tasks(bob));
    expect(response.status).toBe(401);
  });

  it("a token whose signature was altered", async () => {
    const [header, payload, signature] = aliceToken.split(".") as [string, string, string];
    const bytes = Buffer.from(signature, "base64url");
    bytes[0] = bytes[0]! ^ 0xff;
    await expect401(`${header}.${payload}.${bytes.toString("base64url")}`);
  });

  it("alg none, and HS256 signed with the web app's secret under the real kid", async () => {
    const [header, payload] = aliceToken.split(".") as [string, string, string];
    const none = Buffer.from(JSON.stringify({ alg: "none", kid: decodeProtectedHeader(aliceToken).kid })).toString(
      "base64url",
    );
    await expect401(`${none}.${payload}.`);
    const hs = await new SignJWT(decodeJwt(aliceToken))
      .setProtectedHeader({ alg: "HS256", kid: decodeProtectedHeader(aliceToken).kid })
      .sign(new TextEncoder().encode(stack.secret));
    await expect401(hs);
    expect(header).toBeTruthy();
  });

  it("a token signed by a locally generated Ed25519 key, with the same claims and kid", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const forged = await new SignJWT({ email: alice.email, name: alice.name })
      .setProtectedHeader({ alg: "EdDSA", kid: decodeProtectedHeader(aliceToken).kid })
      .setIssuer(stack.webUrl)
      .setAudience("todo-api")
      .setSubject(alice.id)
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(privateKey);
    await expect401(forged);
  });

  describe("a token from a different Better Auth instance (own database, own secret and keys, same issuer)", () => {
    let otherDb: TestDatabase;
    let otherToken: string;

    beforeAll(async () => {
      otherDb = await createTestDatabase();
      const options = buildAuthOptions({
        databaseUrl: otherDb.url,
        baseUrl: stack.webUrl,
        secret: "a-completely-different-secret-of-enough-length",
        rateLimit: readRateLimitSettings({}),
      });
      try {
        await (await getMigrations(options)).runMigrations();
        const other = betterAuth(options);
        // Same email and a fresh id: the only thing tying it to Alice is what a forger controls.
        const signUpResponse = await other.handler(
          new Request(`${stack.webUrl}/api/auth/sign-up/email`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: stack.webUrl },
            body: JSON.stringify({ name: alice.name, email: alice.email, password: STRONG_PASSWORD }),
          }),
        );
        expect(signUpResponse.status).toBe(200);
        const cookie = signUpResponse.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const tokenResponse = await other.handler(
          new Request(`${stack.webUrl}/api/auth/token`, { headers: { cookie } }),
        );
        otherToken = ((await tokenResponse.json()) as { token: string }).token;
      } finally {
        await options.database.end();
      }
    });

    afterAll(async () => {
      await otherDb?.drop();
    });

    it("is refused, on its own user's path and on A's", async () => {
      expect(decodeJwt(otherToken)).toMatchObject({ iss: stack.webUrl, aud: "todo-api", email: alice.email });
      expect(decodeProtectedHeader(otherToken).kid).not.toBe(decodeProtectedHeader(aliceToken).kid);
      const otherSub = decodeJwt(otherToken).sub!;
      expect((await api(otherToken, `/api/${otherSub}/tasks`)).status).toBe(401);
      await expect401(otherToken);
    });
  });
});

describe("deleting an account", () => {
  it("deletes its tasks through the database cascade, and only its tasks", async () => {
    const carol = await signUp(stack.webUrl, "carol");
    const carolToken = await apiToken(stack.webUrl, carol.cookie);
    for (const title of ["one", "two"]) {
      expect((await api(carolToken, tasks(carol), { method: "POST", body: { title } })).status).toBe(201);
    }
    const count = async (id: string) =>
      Number(
        (await stack.db.query<{ n: string }>("SELECT count(*) AS n FROM tasks WHERE user_id = $1", [id])).rows[0]!.n,
      );
    expect(await count(carol.id)).toBe(2);
    const bobBefore = await count(bob.id);

    const wrong = await authPost(stack.webUrl, "/delete-user", { password: "Wrong-pass1!" }, carol.cookie);
    expect(wrong.status).toBe(400);
    expect(await count(carol.id)).toBe(2);

    const response = await authPost(stack.webUrl, "/delete-user", { password: carol.password }, carol.cookie);
    expect(response.status).toBe(200);
    expect(await count(carol.id)).toBe(0);
    expect(await count(bob.id)).toBe(bobBefore);
    // Her still-unexpired token now finds nothing to act on.
    expect((await api(carolToken, tasks(carol))).json).toEqual([]);
    expect((await api(carolToken, tasks(carol), { method: "POST", body: { title: "ghost" } })).status).not.toBe(201);
  });
});

describe("rate limiting", () => {
  it("throttles repeated sign-in attempts, counting in the database, whatever X-Forwarded-For claims", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < CREDENTIALS_MAX + 2; i++) {
      // A different made-up client address each time must not open a new bucket.
      const response = await fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": `203.0.113.${i + 1}` },
        body: JSON.stringify({ email: bob.email, password: `Wrong-${i}!aA` }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    // The bucket may hold an earlier sign-in from this file; either way it fills up.
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    const rows = await stack.db.query<{ key: string }>(`SELECT key FROM "rateLimit" WHERE key LIKE '%/sign-in/email'`);
    expect(rows.rows.map((r) => r.key)).toEqual(["127.0.0.1|/sign-in/email"]);
  });
});
