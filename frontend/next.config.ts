import type { NextConfig } from "next";

import { loadRootEnv } from "./scripts/load-env";

// One .env at the repository root configures the whole stack.
loadRootEnv();

// The API proxy lives in proxy.ts, not in `rewrites()`: rewrites are frozen
// into the build, while API_URL must be read when the server starts so one
// build can talk to any API (tests bind the API to a random port).
const nextConfig: NextConfig = {
  // `next dev` locks its build directory. The dev-script test runs its own
  // next dev beside a developer's: TODO_NEXT_DIR (inside frontend/) holds its
  // build directory and the tsconfig.json the test writes there, which lists
  // that build's types so next dev leaves the real tsconfig.json alone.
  ...(process.env.TODO_NEXT_DIR
    ? {
        distDir: `${process.env.TODO_NEXT_DIR}/next`,
        typescript: { tsconfigPath: `${process.env.TODO_NEXT_DIR}/tsconfig.json` },
      }
    : {}),
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ["pg"],
};

export default nextConfig;
