/**
 * Run once at server start (instrumentation.ts), Node only. Stops the server
 * with one line instead of failing later in a request:
 * - a missing or invalid setting, naming the variable;
 * - JWT signing keys in the database that the configured secret(s) cannot
 *   decrypt (a changed BETTER_AUTH_SECRET), naming the cause and the ways out.
 * A database that cannot be read is not a secret problem: like the rest of
 * the app, the server starts anyway (with a warning) and works once the
 * database answers.
 */
import { ConfigError, readServerConfig } from "./server-config";
import { checkSigningKeys } from "./signing-key-check";

function stop(message: string): never {
  console.error(`todo web app: ${message}`);
  process.exit(1);
}

export async function runStartupCheck(): Promise<void> {
  // `next build` loads instrumentation too; settings are a run-time matter.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  let config;
  try {
    config = readServerConfig();
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
  const result = await checkSigningKeys(config);
  if (result.status === "unusable") stop(result.message);
  if (result.status === "skipped") {
    console.warn(`todo web app: warning: could not check the JWT signing keys against the secret: ${result.reason}.`);
  }
}
