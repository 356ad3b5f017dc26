import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Loads the repository's single `.env` (one file configures the whole
 * stack), then `frontend/.env` if present. Variables already set in the
 * environment win, so the justfile, CI and tests can override any of them.
 * Every npm script runs in frontend/, hence paths relative to the cwd.
 * TODO_NO_DOTENV=1 turns it off (the tests do).
 */
export function loadRootEnv(cwd: string = process.cwd()): void {
  // The tests set every variable themselves; a developer's .env must not leak in.
  if (process.env.TODO_NO_DOTENV === "1") return;
  for (const file of [resolve(cwd, "..", ".env"), resolve(cwd, ".env")]) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}
