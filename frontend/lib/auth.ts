import { betterAuth } from "better-auth";

import { buildAuthOptions } from "./auth-options";
import { readServerConfig } from "./server-config";

/**
 * The Better Auth instance of this server. Created on first use rather than
 * at import, so `next build` works without database settings.
 */
function createAuth() {
  return betterAuth(buildAuthOptions(readServerConfig()));
}

type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __todoAuth?: Auth };

export function getAuth(): Auth {
  globalForAuth.__todoAuth ??= createAuth();
  return globalForAuth.__todoAuth;
}
