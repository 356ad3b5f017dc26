import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";

import { trustsForwardedFor } from "./lib/client-ip";
import {
  applyHeaders,
  authSecurityHeaders,
  baseSecurityHeaders,
  createNonce,
  pageContentSecurityPolicy,
  pageSecurityHeaders,
} from "./lib/security-headers";

/** Pages that need a session; the pages check it again on the server. */
const PROTECTED = /^\/(?:dashboard|settings|trash)(?:\/|$)/;

/** Handled by app/api/[user_id]/[...path]/route.ts, which sets its own headers. */
function isForwardedToApi(pathname: string): boolean {
  return /^\/api\/[^/]+\/./.test(pathname) && !pathname.startsWith("/api/auth/");
}

/**
 * Runs before every page and Better Auth's handler:
 * - a Content-Security-Policy with a fresh nonce on every page, set on the
 *   request as well, where Next.js finds the nonce for its own scripts;
 *   plus the other security headers (lib/security-headers.ts);
 * - send signed-out visitors of protected pages to /sign-in early (the pages
 *   still check the session on the server: a cookie is not proof);
 * - make Better Auth's rate limiter see the real client address.
 * The task API's paths pass through untouched to their route handler.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;

  if (pathname.startsWith("/api/auth/")) {
    let response = NextResponse.next();
    if (!trustsForwardedFor(process.env) && request.headers.has("x-forwarded-for")) {
      // Better Auth keys its rate limits on X-Forwarded-For, and Next passes a
      // client's own value through. Dropping it lets Next fill in the socket's
      // address, so no one escapes the limits by inventing addresses.
      const headers = new Headers(request.headers);
      headers.delete("x-forwarded-for");
      response = NextResponse.next({ request: { headers } });
    }
    applyHeaders(response.headers, authSecurityHeaders(process.env));
    return response;
  }

  if (isForwardedToApi(pathname)) return NextResponse.next();

  if (PROTECTED.test(pathname) && !getSessionCookie(request)) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("next", pathname);
    const response = NextResponse.redirect(signIn);
    applyHeaders(response.headers, baseSecurityHeaders(process.env));
    return response;
  }

  const nonce = createNonce();
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", pageContentSecurityPolicy(nonce, process.env));
  const response = NextResponse.next({ request: { headers } });
  applyHeaders(response.headers, pageSecurityHeaders(nonce, process.env));
  return response;
}

export const config = {
  // Everything but build assets, which are the same for every request and
  // carry no nonce. (The page CSP on the pages governs what loads them.)
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico).*)"],
};
