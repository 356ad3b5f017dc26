import type { NextConfig } from "next";

import { loadRootEnv } from "./scripts/load-env";

// One .env at the repository root configures the whole stack.
loadRootEnv();

// The API proxy lives in proxy.ts, not in `rewrites()`: rewrites are frozen
// into the build, while API_URL must be read when the server starts so one
// build can talk to any API (tests bind the API to a random port).
const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ["pg"],
};

export default nextConfig;
