/**
 * Runs once when the server starts. The Node-only part lives in its own
 * module so the edge build of this file never sees process.exit.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { runStartupCheck } = await import("./lib/startup-check");
    await runStartupCheck();
  }
}
