/**
 * Runs once when the server starts: a missing or invalid setting stops it
 * with one line naming the variable, instead of failing on the first sign-in.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads this too; settings are a run-time matter.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { ConfigError, readServerConfig } = await import("./lib/server-config");
  try {
    readServerConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`todo web app: ${error.message}`);
    process.exit(1);
  }
}
