/**
 * Imported once at server start (instrumentation.ts): a missing or invalid
 * setting stops the server with one line naming the variable, instead of
 * failing on the first sign-in.
 */
import { ConfigError, readServerConfig } from "./server-config";

// `next build` loads instrumentation too; settings are a run-time matter.
if (process.env.NEXT_PHASE !== "phase-production-build") {
  try {
    readServerConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`todo web app: ${error.message}`);
    process.exit(1);
  }
}
