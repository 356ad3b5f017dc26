import type { BetterAuthOptions } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { jwt } from "better-auth/plugins";
import { Pool } from "pg";

import { passwordRuleViolation } from "./password-rule";
import { sessionsSurviveRotation } from "./secret-rotation";
import { olderSecrets, type ServerConfig } from "./server-config";

/** The audience the Rust API expects (its JWT_AUDIENCE). */
export const API_AUDIENCE = "todo-api";
export const API_TOKEN_LIFETIME = "15m";

/** Endpoints that take a new password, and the body field that holds it. */
const PASSWORD_FIELDS: Readonly<Record<string, string>> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

/**
 * Better Auth's options, built from explicit settings so the server, the
 * migration script and the tests configure exactly the same schema.
 */
export function buildAuthOptions(config: ServerConfig) {
  const { rateLimit } = config;
  const credentials = { window: rateLimit.credentialsWindow, max: rateLimit.credentialsMax };
  return {
    appName: "Todo",
    baseURL: config.baseUrl,
    // With versioned secrets (BETTER_AUTH_SECRETS, current first) `secret`
    // only decrypts what was encrypted before them (Better Auth's legacy secret).
    secret: config.secret,
    secrets: config.secrets,
    database: new Pool({ connectionString: config.databaseUrl, max: 10 }),
    advanced: {
      // The Rust API's tasks.user_id is a uuid referencing "user"(id).
      database: { generateId: "uuid" },
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
      autoSignIn: true,
    },
    user: {
      // Deleting the user row cascades to its tasks in the database.
      deleteUser: { enabled: true },
    },
    rateLimit: {
      // Better Auth enables it only in production by default; we want the
      // same protection in every environment, shared between web instances.
      enabled: true,
      storage: "database",
      window: rateLimit.window,
      max: rateLimit.max,
      customRules: {
        "/sign-in/*": credentials,
        "/sign-up/*": credentials,
        "/change-password": credentials,
        "/reset-password": credentials,
        "/delete-user": credentials,
      },
    },
    telemetry: { enabled: false },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const field = PASSWORD_FIELDS[ctx.path];
        if (!field) return;
        const body: unknown = ctx.body;
        const password = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
        // A missing or non-string password is left to Better Auth's own validation.
        if (typeof password !== "string") return;
        const violation = passwordRuleViolation(password);
        if (violation) {
          throw new APIError("BAD_REQUEST", { message: violation, code: "PASSWORD_TOO_WEAK" });
        }
      }),
    },
    plugins: [
      jwt({
        jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } },
        jwt: {
          issuer: config.baseUrl,
          audience: API_AUDIENCE,
          expirationTime: API_TOKEN_LIFETIME,
          definePayload: ({ user }) => ({ email: user.email, name: user.name }),
        },
        // The browser asks /api/auth/token when it needs a JWT; signing one
        // on every get-session call as well would be wasted work.
        disableSettingJwtHeader: true,
      }),
      // Better Auth checks session cookies against the current secret only.
      sessionsSurviveRotation(olderSecrets(config)),
      // Must stay last: it sets cookies from server actions / RSC calls.
      nextCookies(),
    ],
  } satisfies BetterAuthOptions;
}
