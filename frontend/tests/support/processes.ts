import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A child process whose output is kept (and shown when something fails). */
export interface Running {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function start(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; echo?: boolean },
): Running {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() ends everything it started (npm → node).
    detached: true,
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    if (log.length > 200_000) log = log.slice(-100_000);
    if (options.echo || process.env.TEST_VERBOSE) process.stderr.write(`[${name}] ${text}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function run(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<string> {
  const proc = start(name, command, args, options);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      void proc.stop();
      resolve(null);
    }, options.timeoutMs ?? 300_000);
    proc.child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) {
    throw new Error(`${name} failed (${code === null ? "timed out" : `exit ${code}`}):\n${proc.output()}`);
  }
  return proc.output();
}

/** Waits for a line of output matching `pattern`; rejects if the process exits first. */
export function waitForOutput(proc: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = proc.output().match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${proc.name} exited before printing ${pattern}:\n${proc.output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${proc.name} did not print ${pattern} within ${timeoutMs} ms:\n${proc.output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      proc.child.stdout?.off("data", check);
      proc.child.stderr?.off("data", check);
      proc.child.off("exit", onExit);
    };
    proc.child.stdout?.on("data", check);
    proc.child.stderr?.on("data", check);
    proc.child.once("exit", onExit);
    check();
  });
}

/** Polls `url` until it answers with `ok(status)`, the process dies, or time runs out. */
export async function waitForHttp(
  url: string,
  proc: Running,
  timeoutMs: number,
  ok: (status: number) => boolean = (s) => s < 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode}) while starting:\n${proc.output()}`);
    }
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (ok(response.status)) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last}):\n${proc.output()}`);
}

/** A port that was free a moment ago (Next cannot report the port it bound to). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}
