/**
 * `just dev` on a fresh clone: scripts/dev.sh with DATABASE_URL empty runs
 * the embedded PostgreSQL, both migrations, the API and `next dev`; a user
 * signs up and creates a task over HTTP; Ctrl-C (SIGINT to the process
 * group, as a terminal sends it) stops everything and the script exits 0;
 * a second run finds the user and the task.
 *
 * The script gets a throwaway .env (TODO_ENV_FILE), data directory
 * (TODO_DATA_DIR) and next build directory (TODO_NEXT_DIR), and free ports,
 * so a developer's own .env, .data/ and running `just dev` are untouched.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { apiToken, authPost, signUp, type SignedUpUser } from "../support/auth-http";
import { FRONTEND_DIR, REPO_DIR, RESULTS_DIR } from "../support/paths";
import { freePort, run, start, waitForHttp, type Running } from "../support/processes";

import { alive, groupMembers, postmasterPid } from "./pids";

const MINUTE = 60_000;

let work: string;
let envFile: string;
let dataDir: string;
let webUrl: string;
let apiUrl: string;
let env: NodeJS.ProcessEnv;
let current: Running | undefined;

function readEnv(key: string): string | undefined {
  return readFileSync(envFile, "utf8").match(new RegExp(`^${key}=(.*)$`, "m"))?.[1];
}

function setEnv(text: string, key: string, value: string): string {
  const line = new RegExp(`^${key}=.*$`, "m");
  expect(text, `.env.example has ${key}`).toMatch(line);
  return text.replace(line, `${key}=${value}`);
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs scripts/dev.sh and waits until the web app and the API answer. */
async function startDev(label: string): Promise<Running> {
  const dev = start(label, "bash", [join(REPO_DIR, "scripts", "dev.sh")], { cwd: REPO_DIR, env });
  current = dev;
  try {
    // next dev compiles on first request: minutes on a loaded 2-core machine.
    await waitForHttp(`${webUrl}/api/auth/ok`, dev, 15 * MINUTE, (s) => s === 200);
  } catch (error) {
    await dev.stop();
    throw error;
  }
  return dev;
}

/** SIGINT to the whole process group, as Ctrl-C in a terminal; returns the exit code. */
async function interrupt(dev: Running): Promise<number | null> {
  const pid = dev.child.pid ?? 0;
  const exited = new Promise<number | null>((resolve) => {
    if (dev.child.exitCode !== null) resolve(dev.child.exitCode);
    else dev.child.once("exit", (code) => resolve(code));
  });
  process.kill(-pid, "SIGINT");
  const code = await Promise.race([
    exited,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`dev.sh did not exit within 2 minutes of SIGINT:\n${dev.output()}`)),
        2 * MINUTE,
      ),
    ),
  ]);
  // Its children (API, npm → next dev → next-server, the database supervisor → postgres) end too:
  // nothing is left in the process group dev.sh led (it was started detached).
  try {
    await until("dev.sh's processes gone", () => groupMembers(pid).length === 0, MINUTE);
  } catch {
    throw new Error(`still running after dev.sh exited:\n${groupMembers(pid).join("\n")}\n${dev.output()}`);
  }
  current = undefined;
  return code;
}

async function waitForApi(dev: Running): Promise<void> {
  // The API fetches Better Auth's signing keys; it is ready once it has them.
  await waitForHttp(`${apiUrl}/readyz`, dev, 3 * MINUTE, (s) => s === 200);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "todo-dev-script-"));
  // As root the embedded server runs as the postgres user, which must get through this directory.
  chmodSync(work, 0o755);
  envFile = join(work, ".env");
  dataDir = join(work, "data");

  const webPort = await freePort();
  const apiPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  apiUrl = `http://127.0.0.1:${apiPort}`;

  // The fresh-clone .env: ensure-env.sh writes it from .env.example (secrets
  // generated); only the addresses change, so nothing clashes with a
  // running `just dev`. DATABASE_URL stays as .env.example has it.
  await run("ensure-env", "bash", [join(REPO_DIR, "scripts", "ensure-env.sh")], {
    cwd: REPO_DIR,
    env: { ...process.env, TODO_ENV_FILE: envFile },
  });
  let text = readFileSync(envFile, "utf8");
  text = setEnv(text, "BETTER_AUTH_URL", webUrl);
  text = setEnv(text, "API_BIND_ADDR", `127.0.0.1:${apiPort}`);
  text = setEnv(text, "API_URL", apiUrl);
  writeFileSync(envFile, text);

  // next dev's own build directory, and a tsconfig listing its types (see next.config.ts).
  const nextDir = join(RESULTS_DIR, "dev-script");
  rmSync(join(nextDir, "tsconfig.json"), { force: true });
  mkdirSync(nextDir, { recursive: true });
  const relative = "test-results/dev-script";
  writeFileSync(
    join(nextDir, "tsconfig.json"),
    `${JSON.stringify(
      {
        extends: "../../tsconfig.json",
        include: [
          "../../next-env.d.ts",
          "../../**/*.ts",
          "../../**/*.tsx",
          `${relative}/next/types/**/*.ts`,
          `${relative}/next/dev/types/**/*.ts`,
        ],
        exclude: ["../../node_modules", "../../test-results"],
      },
      null,
      2,
    )}\n`,
  );

  env = { ...process.env };
  for (const name of Object.keys(env)) {
    // Whatever the caller's shell has must not reach the script: its .env decides.
    if (/^(DATABASE_|BETTER_AUTH_|API_|AUTH_|JWT_|JWKS_|EMBEDDED_PG_|APP_ENV$|VITEST)/.test(name)) delete env[name];
  }
  Reflect.deleteProperty(env, "NODE_ENV");
  Object.assign(env, {
    TODO_ENV_FILE: envFile,
    TODO_DATA_DIR: dataDir,
    TODO_NEXT_DIR: relative,
    WEB_PORT: String(webPort),
    NEXT_TELEMETRY_DISABLED: "1",
  });
  expect(FRONTEND_DIR).toBe(join(REPO_DIR, "frontend"));
});

afterAll(async () => {
  if (current) await current.stop();
  // Never leave a server behind, whatever failed.
  const pidFile = join(dataDir ?? "", "postgres", "postmaster.pid");
  if (dataDir && existsSync(pidFile)) {
    const pid = postmasterPid(join(dataDir, "postgres"));
    if (alive(pid)) process.kill(pid, "SIGQUIT");
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("scripts/dev.sh with DATABASE_URL empty", () => {
  const title = `Survives a restart ${randomBytes(3).toString("hex")}`;
  let user: SignedUpUser;
  let firstPort: string | undefined;

  it("runs the embedded PostgreSQL, both migrations, the API and the web app; a task can be created", async () => {
    expect(readEnv("DATABASE_URL")).toBe("");
    const dev = await startDev("dev.sh (first run)");
    const output = dev.output();
    expect(output).toContain("starting the embedded PostgreSQL");
    expect(output).toMatch(/PostgreSQL 18\.\d+ ready on 127\.0\.0\.1:\d+, database todo \(created\)/);

    const pgPid = postmasterPid(join(dataDir, "postgres"));
    expect(alive(pgPid)).toBe(true);
    // The URL is handed to the processes dev.sh starts; .env keeps DATABASE_URL empty.
    expect(readEnv("DATABASE_URL")).toBe("");
    firstPort = readEnv("EMBEDDED_PG_PORT");
    expect(firstPort).toMatch(/^\d+$/);
    expect(readEnv("EMBEDDED_PG_PASSWORD")).toMatch(/^\S{32,}$/);

    user = await signUp(webUrl, "devscript");
    const token = await apiToken(webUrl, user.cookie);
    await waitForApi(dev);
    // Through the web app's same-origin forwarding to the API.
    const created = await fetch(`${webUrl}/api/${user.id}/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title, priority: "high" }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    expect(await interrupt(dev), dev.output()).toBe(0);
    expect(alive(pgPid), "the embedded PostgreSQL is gone").toBe(false);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid")), "a clean shutdown removes postmaster.pid").toBe(
      false,
    );
  });

  it("a second run keeps the data: the user signs in and finds the task", async () => {
    expect(user, "the first run signed up a user").toBeDefined();
    const dev = await startDev("dev.sh (second run)");
    expect(dev.output()).toMatch(/PostgreSQL 18\.\d+ ready on 127\.0\.0\.1:\d+, database todo,/);
    expect(readEnv("EMBEDDED_PG_PORT"), "the same port as the first run").toBe(firstPort);
    const pgPid = postmasterPid(join(dataDir, "postgres"));

    const signIn = await authPost(webUrl, "/sign-in/email", { email: user.email, password: user.password });
    expect(signIn.status, await signIn.clone().text()).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const token = await apiToken(webUrl, cookie);
    await waitForApi(dev);
    const listed = await fetch(`${webUrl}/api/${user.id}/tasks`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status, await listed.clone().text()).toBe(200);
    const tasks = (await listed.json()) as { title: string; priority: string }[];
    expect(tasks.map((t) => [t.title, t.priority])).toEqual([[title, "high"]]);

    expect(await interrupt(dev), dev.output()).toBe(0);
    expect(alive(pgPid), "the embedded PostgreSQL is gone").toBe(false);
  });
});
