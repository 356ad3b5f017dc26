import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

import { FRONTEND_DIR } from "./paths";
import { run } from "./processes";

const INPUTS = [
  "app",
  "components",
  "hooks",
  "lib",
  "proxy.ts",
  "instrumentation.ts",
  "instrumentation-client.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "scripts/load-env.ts",
];
const STAMP = join(FRONTEND_DIR, ".next", "test-build-inputs.sha256");

function hashInputs(): string {
  const hash = createHash("sha256");
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else {
      hash.update(relative(FRONTEND_DIR, path));
      hash.update(readFileSync(path));
    }
  };
  for (const input of INPUTS) visit(join(FRONTEND_DIR, input));
  return hash.digest("hex");
}

/**
 * The tests run the production server (`next start`): it answers at once,
 * with no compile-on-first-request pauses. Rebuilds only when a source file
 * changed since the last test build.
 */
export async function ensureProductionBuild(): Promise<void> {
  const inputs = hashInputs();
  if (
    existsSync(STAMP) &&
    readFileSync(STAMP, "utf8") === inputs &&
    existsSync(join(FRONTEND_DIR, ".next", "BUILD_ID"))
  ) {
    return;
  }
  process.stderr.write("Building the web app for the tests (next build)…\n");
  await run("next build", join(FRONTEND_DIR, "node_modules", ".bin", "next"), ["build"], {
    cwd: FRONTEND_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    timeoutMs: 600_000,
  });
  writeFileSync(STAMP, inputs);
}
