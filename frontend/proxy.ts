import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";

import { apiTarget } from "./lib/api-target";
import { trustsForwardedFor } from "./lib/client-ip";

/**
 * Three jobs, all before any page or handler runs:
 * - send signed-out visitors of protected pages to /sign-in early (the pages
 *   still check the session on the server: a cookie is not proof);
 * - forward /api/{user_id}/tasks… to the Rust API, same-origin for the browser;
 * - make Better Auth's rate limiter see the real client address.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;

  if (pathname.startsWith("/api/auth/")) {
    if (trustsForwardedFor(process.env) || !request.headers.has("x-forwarded-for")) return NextResponse.next();
    // Better Auth keys its rate limits on X-Forwarded-For, and Next passes a
    // client's own value through. Dropping it lets Next fill in the socket's
    // address, so no one escapes the limits by inventing addresses.
    const headers = new Headers(request.headers);
    headers.delete("x-forwarded-for");
    return NextResponse.next({ request: { headers } });
  }

  if (pathname.startsWith("/api/")) {
    const target = apiTarget(pathname, search, process.env.API_URL);
    if (!target) return NextResponse.next();
    // The API authenticates with the bearer token only; the session cookie
    // has no business leaving this server.
    const headers = new Headers(request.headers);
    headers.delete("cookie");
    return NextResponse.rewrite(target, { request: { headers } });
  }

  if (!getSessionCookie(request)) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("next", pathname);
    return NextResponse.redirect(signIn);
  }
  return NextResponse.next();
}

export const config = {
  matcher: [
    "/dashboard/:path*",
    "/settings/:path*",
    "/api/auth/:path*",
    "/api/:userId/tasks",
    "/api/:userId/tasks/:path*",
  ],
};
