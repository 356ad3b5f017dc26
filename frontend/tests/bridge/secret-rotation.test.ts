/**
 * A changed BETTER_AUTH_SECRET on a database an earlier run used: the web app
 * must refuse to start with one clear line instead of answering 500 on
 * /api/auth/token, and rotating the secret with BETTER_AUTH_SECRETS must keep
 * the signing key, the sessions and the Rust API (real binary, jwks mode)
 * working. Real servers on one fresh database, plus the start-up check run
 * in process for the cases that need no server.
 */
import { randomBytes } from "node:crypto";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildAuthOptions } from "@/lib/auth-options";
import { readRateLimitSettings, type ServerConfig, type VersionedSecret } from "@/lib/server-config";
import { checkSigningKeys } from "@/lib/signing-key-check";

import { apiToken, authPost, signUp, type SignedUpUser } from "../support/auth-http";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { freePort, waitForHttp, waitForOutput, type Running } from "../support/processes";
import { startStack, type Stack } from "../support/stack";

const newSecret = () => randomBytes(32).toString("base64url");

/** The exit code of a process expected to stop on its own. */
function exitCode(proc: Running, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (proc.child.exitCode !== null) return resolve(proc.child.exitCode);
    const timer = setTimeout(
      () => reject(new Error(`${proc.name} still running after ${timeoutMs} ms:\n${proc.output()}`)),
      timeoutMs,
    );
    // "close" rather than "exit": all of its output has been read by then.
    proc.child.once("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** The lines the start-up check printed (each starts with its prefix). */
const checkLines = (output: string) => output.split("\n").filter((line) => line.includes("todo web app:"));

describe("a web app restarted on the same database", () => {
  let stack: Stack;
  let alice: SignedUpUser;
  let aliceTokenBefore: string;
  let s1: string;
  const s2 = newSecret();

  const createTask = async (token: string, user: SignedUpUser, title: string) => {
    const response = await fetch(`${stack.apiUrl}/api/${user.id}/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title }),
    });
    await response.body?.cancel();
    return response.status;
  };
  const listTasks = async (token: string, user: SignedUpUser) => {
    const response = await fetch(`${stack.apiUrl}/api/${user.id}/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = response.ok ? ((await response.json()) as Array<{ title: string }>) : await response.text();
    return { status: response.status, body };
  };

  beforeAll(async () => {
    stack = await startStack();
    s1 = stack.secret;
    alice = await signUp(stack.webUrl, "alice");
    aliceTokenBefore = await apiToken(stack.webUrl, alice.cookie);
    expect(await createTask(aliceTokenBefore, alice, "Before the rotation")).toBe(201);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("with a different BETTER_AUTH_SECRET stops at start-up with one line naming the cause and the ways out", async () => {
    const wrong = newSecret();
    const { proc } = await stack.startExtraWeb({ BETTER_AUTH_SECRET: wrong });
    const code = await exitCode(proc, 60_000);
    const output = proc.output();
    expect(code, output).not.toBe(0);
    const lines = checkLines(output);
    expect(lines, output).toHaveLength(1);
    const [line = ""] = lines;
    expect(line).toContain("table jwks");
    expect(line).toContain("was encrypted with a different BETTER_AUTH_SECRET");
    expect(line).toContain("set BETTER_AUTH_SECRET back to the secret this database was used with");
    expect(line).toContain('BETTER_AUTH_SECRETS="2:<new secret>,1:<old secret>"');
    // No stack trace, and neither secret.
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain(wrong);
    expect(output).not.toContain(s1);
  });

  it("with an unreachable database starts anyway and says the check was skipped, not that the secret is wrong", async () => {
    const closedPort = await freePort();
    const { url, proc } = await stack.startExtraWeb({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/nowhere`,
      BETTER_AUTH_SECRET: newSecret(),
    });
    try {
      // Serving (any answer will do: the auth endpoints need the database), not exited.
      await waitForHttp(`${url}/sign-in`, proc, 40_000, () => true);
      await waitForOutput(proc, /could not check the JWT signing keys/, 10_000);
      expect(proc.child.exitCode).toBeNull();
      const lines = checkLines(proc.output());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("the database is unreachable");
      expect(proc.output()).not.toContain("table jwks");
    } finally {
      await proc.stop();
    }
  });

  describe('rotated with BETTER_AUTH_SECRETS="2:<new>,1:<old>" (BETTER_AUTH_SECRET kept as the old one)', () => {
    let rotated: Running;

    beforeAll(async () => {
      rotated = await stack.restartWeb({ BETTER_AUTH_SECRETS: `2:${s2},1:${s1}`, BETTER_AUTH_SECRET: s1 });
    });

    it("keeps the existing session: get-session, a server-rendered page and a new token", async () => {
      const session = await fetch(`${stack.webUrl}/api/auth/get-session`, { headers: { cookie: alice.cookie } });
      expect(((await session.json()) as { user?: { id: string } } | null)?.user?.id).toBe(alice.id);

      const page = await fetch(`${stack.webUrl}/dashboard`, { headers: { cookie: alice.cookie }, redirect: "manual" });
      await page.body?.cancel();
      expect(page.status).toBe(200);

      const token = await apiToken(stack.webUrl, alice.cookie);
      // The same signing key: nothing was lost or regenerated.
      expect(decodeProtectedHeader(token).kid).toBe(decodeProtectedHeader(aliceTokenBefore).kid);
      expect(await createTask(token, alice, "After the rotation")).toBe(201);
    });

    it("the API still accepts tokens issued before the rotation", async () => {
      const list = await listTasks(aliceTokenBefore, alice);
      expect(list.status).toBe(200);
      expect((list.body as Array<{ title: string }>).map((t) => t.title).sort()).toEqual([
        "After the rotation",
        "Before the rotation",
      ]);
    });

    it("sign-in and sign-up work, and their tokens drive the API", async () => {
      const signIn = await authPost(stack.webUrl, "/sign-in/email", { email: alice.email, password: alice.password });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      expect((await listTasks(await apiToken(stack.webUrl, cookie), alice)).status).toBe(200);

      const bob = await signUp(stack.webUrl, "bob");
      expect(await createTask(await apiToken(stack.webUrl, bob.cookie), bob, "Bob's first")).toBe(201);
    });

    it("printed no warning or error of its own and no secret", async () => {
      const logs = rotated.output();
      expect(checkLines(logs)).toEqual([]);
      expect(logs).not.toContain(s1);
      expect(logs).not.toContain(s2);
    });
  });
});

describe("the start-up check, in process", () => {
  const S1 = newSecret();
  const S2 = newSecret();
  let db: TestDatabase;

  const config = (secret: string | undefined, secrets?: VersionedSecret[]): ServerConfig => ({
    databaseUrl: db.url,
    baseUrl: "http://127.0.0.1:3999",
    secret,
    secrets,
    rateLimit: readRateLimitSettings({}),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const options = buildAuthOptions(config(undefined, [{ version: 1, value: S1 }]));
    try {
      await (await getMigrations(options)).runMigrations();
    } finally {
      await options.database.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("accepts an empty jwks table", async () => {
    expect(await checkSigningKeys(config(newSecret()))).toEqual({ status: "ok", checked: 0 });
  });

  describe("with a key made under versioned secrets (version 1)", () => {
    beforeAll(async () => {
      const options = buildAuthOptions(config(undefined, [{ version: 1, value: S1 }]));
      try {
        // The JWT plugin makes its first key when the JWKS is first read.
        const response = await betterAuth(options).handler(new Request("http://127.0.0.1:3999/api/auth/jwks"));
        expect(response.status).toBe(200);
      } finally {
        await options.database.end();
      }
      const rows = await db.query<{ privateKey: string }>('SELECT "privateKey" FROM jwks');
      expect(rows.rows).toHaveLength(1);
      expect(JSON.parse(rows.rows[0]!.privateKey)).toMatch(/^\$ba\$1\$/);
    });

    it("passes with version 1, alone or as an older version", async () => {
      expect(await checkSigningKeys(config(undefined, [{ version: 1, value: S1 }]))).toEqual({
        status: "ok",
        checked: 1,
      });
      const rotated = config(undefined, [
        { version: 2, value: S2 },
        { version: 1, value: S1 },
      ]);
      expect(await checkSigningKeys(rotated)).toEqual({ status: "ok", checked: 1 });
    });

    it("names the missing version, the changed version and the unset variable", async () => {
      const cases: Array<[ServerConfig, string, string]> = [
        [
          config(undefined, [{ version: 2, value: S2 }]),
          "was encrypted with version 1 of BETTER_AUTH_SECRETS, which it no longer lists",
          'BETTER_AUTH_SECRETS="3:<new secret>,1:<old secret>"',
        ],
        [
          config(undefined, [{ version: 1, value: S2 }]),
          "with a different secret than the one BETTER_AUTH_SECRETS now gives version 1",
          'BETTER_AUTH_SECRETS="2:<new secret>,1:<old secret>"',
        ],
        [
          config(S1),
          "was encrypted with version 1 of BETTER_AUTH_SECRETS, which is not set",
          'BETTER_AUTH_SECRETS="2:<new secret>,1:<old secret>"',
        ],
      ];
      for (const [settings, cause, wayOut] of cases) {
        const result = await checkSigningKeys(settings);
        expect(result.status).toBe("unusable");
        const message = result.status === "unusable" ? result.message : "";
        expect(message).toContain(cause);
        expect(message).toContain("restore version 1's original secret in BETTER_AUTH_SECRETS");
        expect(message).toContain(wayOut);
        expect(message).not.toContain("\n");
        expect(message).not.toContain(S1);
        expect(message).not.toContain(S2);
      }
    });
  });

  it("says when the secret from before the rotation is missing or wrong next to BETTER_AUTH_SECRETS", async () => {
    const other = await createTestDatabase();
    const settings = (secret: string | undefined, secrets?: VersionedSecret[]) => ({
      ...config(secret, secrets),
      databaseUrl: other.url,
    });
    try {
      const options = buildAuthOptions(settings(S1));
      try {
        await (await getMigrations(options)).runMigrations();
        expect((await betterAuth(options).handler(new Request("http://127.0.0.1:3999/api/auth/jwks"))).status).toBe(
          200,
        );
      } finally {
        await options.database.end();
      }
      const rotated = [
        { version: 2, value: S2 },
        { version: 1, value: S1 },
      ];
      expect(await checkSigningKeys(settings(S1, rotated))).toEqual({ status: "ok", checked: 1 });
      const missing = await checkSigningKeys(settings(undefined, rotated));
      expect(missing.status === "unusable" && missing.message).toContain(
        "BETTER_AUTH_SECRET, which reads such keys, is not set",
      );
      const wrong = await checkSigningKeys(settings(S2, rotated));
      expect(wrong.status === "unusable" && wrong.message).toContain(
        "with a BETTER_AUTH_SECRET other than the one now set",
      );
    } finally {
      await other.drop();
    }
  });

  it("reports an unreachable database as such, not as a secret problem", async () => {
    const port = await freePort();
    const result = await checkSigningKeys({
      ...config(S1),
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/nowhere`,
    });
    expect(result.status).toBe("skipped");
    expect(result.status === "skipped" && result.reason).toMatch(/^the database is unreachable \(/);
  });
});
