"use client";

import { authClient } from "./auth-client";
import { SignedOutError, TokenCache } from "./token-cache";

async function fetchApiToken(): Promise<string> {
  const { data, error } = await authClient.token();
  if (error) {
    if (error.status === 401) throw new SignedOutError();
    throw new Error(error.message || `Could not get an API token (${error.status}).`);
  }
  if (!data?.token) throw new Error("Better Auth sent no token.");
  return data.token;
}

/** This tab's API token, in memory only: a reload starts from the session cookie again. */
export const apiTokens = new TokenCache({ fetchToken: fetchApiToken });
