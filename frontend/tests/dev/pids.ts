import { readFileSync, readdirSync } from "node:fs";

/**
 * Whether a process exists and is not a zombie. Orphans are reparented to
 * PID 1, which in a container may leave them unreaped for a while: a dead
 * server must not count as running.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // No /proc: kill(0) is all there is.
  }
}

/** PostgreSQL's postmaster pid from DATA/postmaster.pid. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
}

/** The live (non-zombie) processes of a process group, as "pid command" lines. */
export function groupMembers(pgid: number): string[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    // No /proc: only whether the group has any process at all.
    try {
      process.kill(-pgid, 0);
      return [`(some process of group ${pgid})`];
    } catch {
      return [];
    }
  }
  const members: string[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) !== pgid || state === "Z") continue;
      members.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return members;
}
