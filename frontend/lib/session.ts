import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getAuth } from "./auth";

async function currentSession() {
  // headers() first: it marks the page as per-request before anything else runs.
  const requestHeaders = await headers();
  return getAuth().api.getSession({ headers: requestHeaders });
}

/** The signed-in user's session, checked on the server; otherwise off to /sign-in. */
export async function requireSession(nextPath: string) {
  const session = await currentSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(nextPath)}`);
  return session;
}

export async function optionalSession() {
  return currentSession();
}
