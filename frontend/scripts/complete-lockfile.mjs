#!/usr/bin/env node
/**
 * Run after `npm install` changes package-lock.json.
 *
 * The registry mirror this project is developed against serves only some
 * platforms' native binaries (Next's SWC, Tailwind's oxide, eslint's
 * resolver). npm then writes a lock file without entries for the others,
 * and `npm ci` refuses that lock file as "out of sync". This adds an entry
 * (name, exact version, os/cpu/libc read from the package name) for each
 * missing platform package, so `npm ci` skips them on a non-matching machine
 * and, on a matching one with the full registry, fetches them by version.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const OSES = ["android", "darwin", "freebsd", "linux", "win32", "openharmony", "netbsd", "openbsd", "sunos", "aix"];
const CPUS = ["arm64", "x64", "ia32", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "arm"];

function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = OSES.find((o) => tokens.includes(o));
  const cpu = CPUS.find((c) => tokens.includes(c));
  const libc = tokens.some((t) => t.startsWith("musl"))
    ? "musl"
    : tokens.some((t) => t.startsWith("gnu"))
      ? "glibc"
      : null;
  return { os, cpu, libc };
}

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) {
      console.warn(`complete-lockfile: ${name}@${spec} is not an exact version; left out`);
      continue;
    }
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) {
      console.warn(`complete-lockfile: cannot tell the platform of ${name}; left out`);
      continue;
    }
    packages[hoisted] = {
      version: spec,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform package entr${added === 1 ? "y" : "ies"}.`);
