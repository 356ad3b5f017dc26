/**
 * Makes sure the PostgreSQL server in DATABASE_URL answers and, unless
 * --server-only, that its database exists, creating it when missing. Needs
 * no psql: it talks to the server with `pg`, the web app's own driver.
 *
 *   tsx scripts/db-ready.ts [--server-only] [--wait SECONDS] [--quiet]
 *
 * --wait: how long to keep trying to connect (default 30). When a local
 * server refuses connections and Debian's pg_ctlcluster is installed, the
 * newest cluster is started once (PostgreSQL is a local service on this
 * project's machines). Exits 1 with one line on stderr when the server does
 * not answer in time or refuses the login.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { parseArgs } from "node:util";

import pg from "pg";

const { values } = parseArgs({
  options: {
    "server-only": { type: "boolean", default: false },
    wait: { type: "string", default: "30" },
    quiet: { type: "boolean", default: false },
  },
});

function say(message: string): void {
  if (!values.quiet) process.stderr.write(`db-ready: ${message}\n`);
}

/** The URL without its password, for messages. */
function redact(url: URL): string {
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  return shown.toString();
}

function isLocal(url: URL): boolean {
  return ["", "localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** Starts the newest Debian PostgreSQL cluster, as `pg_ctlcluster` knows them. */
function startLocalCluster(): void {
  const versions = existsSync("/etc/postgresql")
    ? readdirSync("/etc/postgresql").sort((a, b) => Number(a) - Number(b))
    : [];
  const version = versions[versions.length - 1];
  if (!version) return;
  try {
    execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "ignore" });
    say(`PostgreSQL was not answering; started cluster ${version}/main`);
  } catch {
    // Not installed, not ours to start, or already starting: keep polling.
  }
}

async function connect(url: URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

async function main(): Promise<number> {
  const raw = process.env.DATABASE_URL;
  if (!raw) {
    console.error("db-ready: DATABASE_URL is not set");
    return 1;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    console.error("db-ready: DATABASE_URL is not a valid URL");
    return 1;
  }
  const database = decodeURIComponent(url.pathname.slice(1)) || "postgres";
  // The server-level URL: same credentials, host and options, maintenance database.
  const admin = new URL(url);
  admin.pathname = "/postgres";

  const deadline = Date.now() + Number(values.wait) * 1_000;
  let triedCluster = false;
  let client: pg.Client | undefined;
  let lastError = "";
  for (;;) {
    try {
      client = await connect(admin);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      lastError = error instanceof Error ? error.message : String(error);
      // Wrong password or role: waiting will not help.
      if (code === "28P01" || code === "28000") {
        console.error(`db-ready: PostgreSQL at ${redact(admin)} refused the login: ${lastError}`);
        return 1;
      }
      if (!triedCluster && code === "ECONNREFUSED" && isLocal(admin)) {
        triedCluster = true;
        startLocalCluster();
      }
    }
    if (Date.now() >= deadline) {
      if (!values.quiet) console.error(`db-ready: PostgreSQL at ${redact(admin)} is not reachable (${lastError})`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }

  try {
    if (values["server-only"] || database === "postgres") {
      say(`PostgreSQL at ${redact(admin)} is ready`);
      return 0;
    }
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!found.rowCount) {
      say(`creating database ${database}`);
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
    say(`database ${database} is ready`);
    return 0;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`db-ready: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
