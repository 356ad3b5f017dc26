import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FRONTEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO_DIR = resolve(FRONTEND_DIR, "..");
export const RESULTS_DIR = resolve(FRONTEND_DIR, "test-results");

/** TODO_API_BIN, else the cargo target dir's debug build, else ../target/debug/todo-api. */
export function apiBinary(): string {
  const configured = process.env.TODO_API_BIN;
  const candidate = configured
    ? resolve(FRONTEND_DIR, configured)
    : resolve(REPO_DIR, process.env.CARGO_TARGET_DIR || "target", "debug", "todo-api");
  if (!existsSync(candidate)) {
    throw new Error(
      `The API binary ${candidate} does not exist. Build it first (cargo build -p api-actix --bin todo-api) or set TODO_API_BIN.`,
    );
  }
  return candidate;
}
