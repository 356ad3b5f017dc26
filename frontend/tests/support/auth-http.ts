import { randomBytes } from "node:crypto";

/** A user signed up through Better Auth's real HTTP endpoints. */
export interface SignedUpUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** The session cookie header to send back. */
  cookie: string;
}

export const STRONG_PASSWORD = "Corr3ct-Horse-Battery!";

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.test`;
}

function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((c): c is string => !!c && !c.endsWith("="))
    .join("; ");
}

/** POSTs JSON to Better Auth as a browser on webUrl would (Origin set for its CSRF check). */
export function authPost(webUrl: string, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(`${webUrl}/api/auth${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: webUrl,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(body),
  });
}

export async function signUp(webUrl: string, label: string, password = STRONG_PASSWORD): Promise<SignedUpUser> {
  const email = uniqueEmail(label);
  const name = `${label[0]?.toUpperCase() ?? ""}${label.slice(1)} Tester`;
  const response = await authPost(webUrl, "/sign-up/email", { name, email, password });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sign-up of ${email} answered ${response.status}: ${text}`);
  const body = JSON.parse(text) as { user: { id: string } };
  return { id: body.user.id, email, name, password, cookie: cookieHeader(response) };
}

/** A JWT for the API from /api/auth/token, as the browser gets it. */
export async function apiToken(webUrl: string, cookie: string): Promise<string> {
  const response = await fetch(`${webUrl}/api/auth/token`, { headers: { cookie } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/api/auth/token answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}
