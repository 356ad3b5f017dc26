/**
 * `npm run db:migrate`: creates or updates Better Auth's tables (user,
 * session, account, verification, jwks, rateLimit) in DATABASE_MIGRATION_URL,
 * else DATABASE_URL. Must run
 * before the Rust API's migration, whose tasks table references "user"(id).
 */
import { getMigrations } from "better-auth/db/migration";

import { buildAuthOptions } from "../lib/auth-options";
import { ConfigError, readServerConfig } from "../lib/server-config";
import { loadRootEnv } from "./load-env";

async function main(): Promise<void> {
  loadRootEnv();
  // BETTER_AUTH_URL only matters to running servers; the schema does not depend on it.
  // Migrations take the direct URL when one is set: behind a transaction-mode
  // pooler (Neon's pooled endpoint) DDL and its locks need a real session.
  const config = readServerConfig(
    {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_MIGRATION_URL?.trim() || process.env.DATABASE_URL,
      BETTER_AUTH_URL: process.env.BETTER_AUTH_URL || "http://localhost:3000",
    },
    { requireSecret: false },
  );
  const options = buildAuthOptions(config);
  try {
    const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(options);
    if (toBeCreated.length === 0 && toBeAdded.length === 0) {
      console.log("Auth schema is up to date.");
      return;
    }
    const created = toBeCreated.map((t) => t.table);
    const altered = toBeAdded.map((t) => t.table);
    await runMigrations();
    if (created.length) console.log(`Created auth tables: ${created.join(", ")}.`);
    if (altered.length) console.log(`Added columns to: ${altered.join(", ")}.`);
  } finally {
    await options.database.end();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`db:migrate: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`db:migrate failed: ${message}`);
  }
  process.exit(1);
});
