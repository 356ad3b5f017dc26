import { randomBytes } from "node:crypto";
import { join } from "node:path";

import { createTestDatabase, type TestDatabase } from "./database";
import { FRONTEND_DIR, REPO_DIR, apiBinary } from "./paths";
import { freePort, run, start, waitForHttp, waitForOutput, type Running } from "./processes";

export interface Stack {
  db: TestDatabase;
  /** The web app (Better Auth + pages + the API proxy). */
  webUrl: string;
  /** The Rust API, reached directly. */
  apiUrl: string;
  secret: string;
  /** Everything the servers printed, for failure reports. */
  logs(): string;
  /** Stops the API (an outage, as the web app sees it). */
  stopApi(): Promise<void>;
  /** Starts the API again on the same address and waits until it is ready. */
  restartApi(): Promise<void>;
  /**
   * Stops the web app and starts it again on the same address with `env`
   * layered over its settings (undefined removes a variable), then waits
   * until it answers.
   */
  restartWeb(env: WebEnv): Promise<Running>;
  /**
   * Another web app process on this database and API, on a free port, with
   * `env` layered over the stack's settings. Not waited for: the caller
   * decides whether it should come up or exit. Stopped with the stack.
   */
  startExtraWeb(env: WebEnv): Promise<{ url: string; proc: Running }>;
  stop(): Promise<void>;
}

/** Environment overrides for the web app; undefined removes the variable. */
export type WebEnv = Record<string, string | undefined>;

export interface StackOptions {
  /** Extra environment for the web app (e.g. rate limits). */
  webEnv?: Record<string, string>;
}

/** Variables from the caller's environment that must not leak into the servers. */
const SCRUBBED = [
  "DATABASE_URL",
  "BETTER_AUTH_URL",
  "BETTER_AUTH_SECRET",
  "BETTER_AUTH_SECRETS",
  "AUTH_SECRET",
  "API_URL",
  "API_BIND_ADDR",
  "AUTH_MODE",
  "JWT_ISSUER",
  "JWT_AUDIENCE",
  "JWKS_URL",
  "JWKS_COOLDOWN_SECS",
  "JWKS_REFRESH_SECS",
  "APP_ENV",
  "NODE_OPTIONS",
  "AUTH_RATE_LIMIT_WINDOW_SECONDS",
  "AUTH_RATE_LIMIT_MAX",
  "AUTH_RATE_LIMIT_CREDENTIALS_WINDOW_SECONDS",
  "AUTH_RATE_LIMIT_CREDENTIALS_MAX",
  "AUTH_TRUST_FORWARDED_FOR",
];

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  // Vitest sets these; a child Next server must not believe it is under test.
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  Reflect.deleteProperty(env, "NODE_ENV");
  return env;
}

/**
 * A fresh database with both migrations (Better Auth's, then the API's), the
 * Rust API in jwks mode and the production web app, wired to each other.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const procs: Running[] = [];
  const stop = async () => {
    await Promise.allSettled(procs.map((p) => p.stop()));
    await db.drop();
  };
  try {
    const secret = randomBytes(32).toString("base64url");
    const webPort = await freePort();
    const webUrl = `http://127.0.0.1:${webPort}`;
    const common = { ...baseEnv(), TODO_NO_DOTENV: "1", DATABASE_URL: db.url, BETTER_AUTH_URL: webUrl };

    await run("auth migrate", join(FRONTEND_DIR, "node_modules", ".bin", "tsx"), ["scripts/migrate.ts"], {
      cwd: FRONTEND_DIR,
      env: common,
      timeoutMs: 120_000,
    });
    const bin = apiBinary();
    const apiEnv = {
      ...common,
      AUTH_MODE: "jwks",
      JWT_AUDIENCE: "todo-api",
      API_BIND_ADDR: "127.0.0.1:0",
      RUST_LOG: process.env.RUST_LOG || "info",
    };
    await run("api migrate", bin, ["migrate"], { cwd: REPO_DIR, env: apiEnv, timeoutMs: 120_000 });

    let api = start("api", bin, ["serve"], { cwd: REPO_DIR, env: apiEnv });
    procs.push(api);
    const [, apiUrl = ""] = await waitForOutput(api, /listening on (http:\/\/\S+)/, 30_000);

    const webEnv = (port: number, overrides: WebEnv): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...common,
        BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        BETTER_AUTH_SECRET: secret,
        API_URL: apiUrl,
        // Generous defaults so the tests' own sign-ups are not throttled;
        // a test that checks throttling passes tighter ones.
        AUTH_RATE_LIMIT_MAX: "1000",
        AUTH_RATE_LIMIT_CREDENTIALS_MAX: "100",
        AUTH_RATE_LIMIT_CREDENTIALS_WINDOW_SECONDS: "10",
        ...options.webEnv,
      };
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) Reflect.deleteProperty(env, name);
        else env[name] = value;
      }
      return env;
    };
    const startWeb = (name: string, port: number, overrides: WebEnv = {}) =>
      start(
        name,
        join(FRONTEND_DIR, "node_modules", ".bin", "next"),
        ["start", "--port", String(port), "--hostname", "127.0.0.1"],
        { cwd: FRONTEND_DIR, env: webEnv(port, overrides) },
      );

    let web = startWeb("web", webPort);
    procs.push(web);
    await waitForHttp(`${webUrl}/api/auth/ok`, web, 60_000, (s) => s === 200);
    // Better Auth creates its first signing key when the JWKS is first read;
    // the API then picks it up on its next fetch (at most its retry interval).
    const jwks = await fetch(`${webUrl}/api/auth/jwks`);
    if (!jwks.ok) throw new Error(`JWKS endpoint answered ${jwks.status}:\n${web.output()}`);
    await waitForHttp(`${apiUrl}/readyz`, api, 60_000, (s) => s === 200);

    return {
      db,
      webUrl,
      apiUrl,
      secret,
      async stopApi() {
        await api.stop();
      },
      async restartApi() {
        const again = start("api (restarted)", bin, ["serve"], {
          cwd: REPO_DIR,
          env: { ...apiEnv, API_BIND_ADDR: new URL(apiUrl).host },
        });
        procs.push(again);
        api = again;
        await waitForOutput(again, /listening on http:\/\/\S+/, 30_000);
        await waitForHttp(`${apiUrl}/readyz`, again, 60_000, (s) => s === 200);
      },
      async restartWeb(env) {
        await web.stop();
        const again = startWeb("web (restarted)", webPort, env);
        procs.push(again);
        web = again;
        await waitForHttp(`${webUrl}/api/auth/ok`, again, 60_000, (s) => s === 200);
        return again;
      },
      async startExtraWeb(env) {
        const port = await freePort();
        const proc = startWeb(`web on :${port}`, port, env);
        procs.push(proc);
        return { url: `http://127.0.0.1:${port}`, proc };
      },
      logs: () => procs.map((p) => `----- ${p.name} -----\n${p.output()}`).join("\n"),
      stop,
    };
  } catch (error) {
    const logs = procs.map((p) => `----- ${p.name} -----\n${p.output()}`).join("\n");
    await stop().catch(() => undefined);
    if (error instanceof Error && logs) error.message += `\n${logs}`;
    throw error;
  }
}
