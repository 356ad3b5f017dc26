/**
 * scripts/embedded-postgres.ts after runs that did not end cleanly: a server
 * orphaned by a killed supervisor, a stale postmaster.pid, a second
 * supervisor on the same data, an env file whose password changed.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { FRONTEND_DIR } from "../support/paths";
import { start, waitForOutput, type Running } from "../support/processes";

import { alive, postmasterPid } from "./pids";

let work: string;
let envFile: string;
let dataDir: string;
let readyFile: string;
const running: Running[] = [];

function serve(label: string): Running {
  const proc = start(
    label,
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/embedded-postgres.ts",
      "serve",
      "--data-dir",
      dataDir,
      "--env-file",
      envFile,
      "--database",
      "todo",
      "--ready-file",
      readyFile,
    ],
    { cwd: FRONTEND_DIR, env: { ...process.env } },
  );
  running.push(proc);
  return proc;
}

async function ready(proc: Running): Promise<string> {
  await waitForOutput(proc, /ready on 127\.0\.0\.1:\d+/, 120_000);
  return readFileSync(readyFile, "utf8").trim();
}

async function exited(proc: Running): Promise<number | null> {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  return new Promise((resolve) => proc.child.once("exit", (code) => resolve(code)));
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "todo-embedded-pg-"));
  chmodSync(work, 0o755);
  envFile = join(work, ".env");
  dataDir = join(work, "data", "postgres");
  readyFile = join(work, "url");
  writeFileSync(envFile, "DATABASE_URL=\nEMBEDDED_PG_PORT=\nEMBEDDED_PG_PASSWORD=\n");
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

afterAll(() => {
  try {
    const pid = postmasterPid(dataDir);
    if (alive(pid)) process.kill(pid, "SIGQUIT");
  } catch {
    // No server left.
  }
  rmSync(work, { recursive: true, force: true });
});

describe("embedded-postgres.ts serve", () => {
  it("stops a server whose supervisor was killed and takes over its data", async () => {
    const first = serve("first");
    const url = await ready(first);
    await query(url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    const orphan = postmasterPid(dataDir);
    first.child.kill("SIGKILL");
    await exited(first);
    expect(alive(orphan), "PostgreSQL outlives a SIGKILLed supervisor").toBe(true);

    const second = serve("second");
    const again = await ready(second);
    expect(second.output()).toContain(
      `stopping the embedded PostgreSQL (pid ${orphan}) left running by a run that was killed`,
    );
    expect(alive(orphan)).toBe(false);
    expect(again).toBe(url);
    expect((await query(again, "SELECT note FROM kept")).rows).toEqual([{ note: "still here" }]);
  });

  it("refuses a second supervisor on the same data", async () => {
    const first = serve("first");
    await ready(first);
    const second = serve("second");
    expect(await exited(second)).toBe(1);
    expect(second.output()).toMatch(
      /is already running \(pid \d+, supervised by pid \d+\); stop that `just dev` first/,
    );
  });

  it("starts over a stale postmaster.pid after everything was killed, and recovers", async () => {
    const first = serve("first");
    await ready(first);
    const server = postmasterPid(dataDir);
    first.child.kill("SIGKILL");
    process.kill(server, "SIGKILL");
    await exited(first);
    await new Promise((r) => setTimeout(r, 500));

    const second = serve("second");
    const url = await ready(second);
    expect(second.output()).toContain(`removing the postmaster.pid of a run that was killed (pid ${server} is gone)`);
    expect((await query(url, "SELECT note FROM kept")).rows).toEqual([{ note: "still here" }]);
  });

  it("sets a changed EMBEDDED_PG_PASSWORD on the server", async () => {
    const env = readFileSync(envFile, "utf8").replace(/^EMBEDDED_PG_PASSWORD=.*$/m, "EMBEDDED_PG_PASSWORD=");
    writeFileSync(envFile, env);
    const proc = serve("new password");
    const url = await ready(proc);
    expect(proc.output()).toContain("EMBEDDED_PG_PASSWORD does not match the cluster's password");
    const password = readFileSync(envFile, "utf8").match(/^EMBEDDED_PG_PASSWORD=(\S+)$/m)?.[1];
    expect(password).toBeDefined();
    expect(new URL(url).password).toBe(password);
    expect((await query(url, "SELECT note FROM kept")).rows).toEqual([{ note: "still here" }]);
  });

  it("exits 1 when PostgreSQL dies under it", async () => {
    const proc = serve("dies");
    await ready(proc);
    process.kill(postmasterPid(dataDir), "SIGKILL");
    expect(await exited(proc)).toBe(1);
    expect(proc.output()).toMatch(/PostgreSQL \(pid \d+\) exited unexpectedly/);
  });

  it("stops PostgreSQL on SIGTERM", async () => {
    const proc = serve("stop");
    await ready(proc);
    const server = postmasterPid(dataDir);
    proc.child.kill("SIGTERM");
    await exited(proc);
    expect(alive(server)).toBe(false);
    expect(proc.output()).not.toContain("exited unexpectedly");
  });
});
