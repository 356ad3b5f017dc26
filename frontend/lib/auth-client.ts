"use client";

import { jwtClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** Same origin: Better Auth is served by this Next app under /api/auth. */
export const authClient = createAuthClient({
  plugins: [jwtClient()],
});
