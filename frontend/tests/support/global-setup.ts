import { ensureProductionBuild } from "./build";
import { apiBinary } from "./paths";

/** Once per run: fail fast without the API binary, and build the web app if stale. */
export default async function setup(): Promise<void> {
  apiBinary();
  await ensureProductionBuild();
}
