/**
 * AUTH_TRUST_FORWARDED_FOR=true: the web app sits behind a reverse proxy that
 * overwrites X-Forwarded-For with the client's address, so Better Auth may use
 * it. Otherwise (the default, Next facing clients directly) a client-sent
 * X-Forwarded-For is dropped before Better Auth sees it.
 */
export function trustsForwardedFor(env: Record<string, string | undefined>): boolean {
  return /^(1|true|yes)$/i.test(env.AUTH_TRUST_FORWARDED_FOR?.trim() ?? "");
}
