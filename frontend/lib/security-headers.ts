/**
 * The security headers the web app sends, built from two settings:
 * NODE_ENV (development relaxes what `next dev` needs) and BETTER_AUTH_URL,
 * the public origin (https turns on Strict-Transport-Security).
 *
 * Three kinds of response:
 * - pages: a Content-Security-Policy with a fresh nonce per request (set by
 *   proxy.ts on the request too, where Next.js reads it and puts it on its
 *   own scripts);
 * - Better Auth's /api/auth/* answers: JSON, plus one HTML error page with
 *   inline styles and no script;
 * - the task API's answers, forwarded by app/api/[user_id]/[...path]: data only.
 */

export interface SecurityEnv {
  NODE_ENV?: string;
  BETTER_AUTH_URL?: string;
}

export type HeaderList = Array<[name: string, value: string]>;

/** `next dev`, where React needs eval and Next injects unnonced styles. */
export function isDevelopment(env: SecurityEnv): boolean {
  return env.NODE_ENV === "development";
}

/**
 * Strict-Transport-Security only from a production server whose public
 * origin is https. The request's own scheme is no guide: TLS usually ends at
 * a reverse proxy, so the server sees plain http either way. A development
 * server, or one served over http, must never pin browsers to https.
 */
export function usesHsts(env: SecurityEnv): boolean {
  if (env.NODE_ENV !== "production") return false;
  try {
    return new URL(env.BETTER_AUTH_URL?.trim() ?? "").protocol === "https:";
  } catch {
    return false;
  }
}

/** 128 random bits, base64: unguessable, fresh for every page request. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Features no page of this app uses, switched off for it and any frame. */
const PERMISSIONS_POLICY = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "publickey-credentials-get",
  "serial",
  "usb",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

function policy(directives: Array<string | false>): string {
  return directives.filter(Boolean).join("; ");
}

/**
 * The pages' policy. Scripts run only with this response's nonce; with
 * 'strict-dynamic' the scripts Next.js loads from those are trusted too, and
 * 'self' and host lists are ignored by browsers that understand it.
 * 'unsafe-inline' is never allowed for scripts.
 */
export function pageContentSecurityPolicy(nonce: string, env: SecurityEnv): string {
  const dev = isDevelopment(env);
  return policy([
    "default-src 'self'",
    // React uses eval in development only (server error stacks in the browser).
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // <style> elements need the nonce: Next.js puts it on its own, and the
    // two Radix inserts in the browser take it from lib/style-nonce.ts. In
    // development Next's overlay and hot reload insert unnonced <style>
    // elements, and a nonce in the list would make browsers ignore
    // 'unsafe-inline', so development allows inline styles instead.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // style="" attributes stay allowed: Radix renders them on the server
    // (the hidden native <select> and checkbox inputs behind its controls,
    // the toast region, the progress bar's position), and a refused one is
    // not re-applied on hydration: the hidden inputs would show and the
    // strength bar would read full. Hashes would need 'unsafe-hashes' and
    // change with each value. An attribute cannot run script, hold
    // selectors, or load anything img-src/font-src do not allow.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    usesHsts(env) && "upgrade-insecure-requests",
  ]);
}

/**
 * Better Auth's answers are JSON, except its /api/auth/error page: inline
 * styles, no script, no other resource. Nothing else may load.
 */
export const AUTH_CONTENT_SECURITY_POLICY = policy([
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]);

/** The task API's answers are data: nothing in them may run, load or frame. */
export const API_CONTENT_SECURITY_POLICY = policy([
  "default-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]);

/** On every response, whatever it holds. */
export function baseSecurityHeaders(env: SecurityEnv): HeaderList {
  const headers: HeaderList = [
    ["X-Content-Type-Options", "nosniff"],
    // Not no-referrer: with it, browsers send `Origin: null` on same-origin
    // POSTs, and Better Auth's origin check would refuse them.
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
    // frame-ancestors 'none' for browsers that predate it.
    ["X-Frame-Options", "DENY"],
  ];
  // A year; no includeSubDomains or preload: sibling hosts of the deployment
  // are not this app's to pin.
  if (usesHsts(env)) headers.push(["Strict-Transport-Security", "max-age=31536000"]);
  return headers;
}

export function pageSecurityHeaders(nonce: string, env: SecurityEnv): HeaderList {
  return [["Content-Security-Policy", pageContentSecurityPolicy(nonce, env)], ...baseSecurityHeaders(env)];
}

export function authSecurityHeaders(env: SecurityEnv): HeaderList {
  return [["Content-Security-Policy", AUTH_CONTENT_SECURITY_POLICY], ...baseSecurityHeaders(env)];
}

export function apiSecurityHeaders(env: SecurityEnv): HeaderList {
  return [["Content-Security-Policy", API_CONTENT_SECURITY_POLICY], ...baseSecurityHeaders(env)];
}

/** Sets each header, replacing any value already there. */
export function applyHeaders(target: Headers, headers: HeaderList): void {
  for (const [name, value] of headers) target.set(name, value);
}
