import { toNextJsHandler } from "better-auth/next-js";

import { getAuth } from "@/lib/auth";

// Resolved per request so the auth instance (and its settings) is created at
// run time, never during `next build`.
const handle = (request: Request) => getAuth().handler(request);

export const { GET, POST, PATCH, PUT, DELETE } = toNextJsHandler(handle);
