/** Better Auth client errors as sentences a person can act on. */
export interface AuthClientError {
  status: number;
  message?: string | undefined;
  code?: string | undefined;
}

export function describeAuthError(error: AuthClientError, action: string): string {
  if (error.status === 429) {
    return "Too many attempts. Please wait a few seconds and try again.";
  }
  if (error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") {
    return "An account with this email already exists. Sign in instead, or use another email.";
  }
  if (error.code === "INVALID_EMAIL_OR_PASSWORD") return "That email and password do not match.";
  if (error.code === "INVALID_PASSWORD") return "That password is not correct.";
  if (error.message) return error.message;
  if (error.status >= 500 || error.status === 0)
    return `Could not ${action}: the server is not answering. Try again shortly.`;
  return `Could not ${action}.`;
}

/** Only same-site paths, so ?next= cannot send anyone elsewhere. */
export function safeNextPath(next: string | null | undefined, fallback = "/dashboard"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
