import { betterAuth } from "better-auth";
import { parseEnvelope, symmetricDecrypt } from "better-auth/crypto";

import { buildAuthOptions } from "./auth-options";
import type { ServerConfig } from "./server-config";

/**
 * Whether the JWT plugin can use the signing keys stored in the database
 * (table jwks) with the configured secret(s). Without this check a changed
 * BETTER_AUTH_SECRET only shows as a 500 from /api/auth/token ("Failed to
 * decrypt private key") while the rest of the app looks fine.
 *
 * Every live key (one the plugin may sign with) is decrypted exactly as the
 * plugin decrypts it: Better Auth's own `symmetricDecrypt` with the secret
 * configuration Better Auth builds from these options. Nothing is written:
 * an empty table is fine (the plugin creates a key on first use).
 */
export type SigningKeyCheck =
  | { status: "ok"; checked: number }
  /** The database could not be read: not a secret problem; the caller warns. */
  | { status: "skipped"; reason: string }
  /** One line naming the cause and the ways out. Never holds a secret. */
  | { status: "unusable"; message: string };

interface StoredKey {
  id: string;
  privateKey: string;
  expiresAt?: Date | null;
}

export async function checkSigningKeys(config: ServerConfig, { timeoutMs = 10_000 } = {}): Promise<SigningKeyCheck> {
  const options = buildAuthOptions(config);
  let timedOut = false;
  try {
    const context = await betterAuth(options).$context;
    let keys: StoredKey[];
    try {
      keys = await withTimeout(context.adapter.findMany<StoredKey>({ model: "jwks" }), timeoutMs, () => {
        timedOut = true;
      });
    } catch (error) {
      return { status: "skipped", reason: describeDatabaseError(error, timeoutMs) };
    }
    const now = new Date();
    const live = keys.filter((key) => !key.expiresAt || new Date(key.expiresAt) > now);
    const failures: unknown[] = [];
    for (const key of live) {
      // As the plugin does: the column holds the JSON-encoded ciphertext.
      let data: unknown;
      try {
        data = JSON.parse(key.privateKey);
        await symmetricDecrypt({ key: context.secretConfig, data: data as string });
      } catch {
        failures.push(data);
      }
    }
    if (failures.length === 0) return { status: "ok", checked: live.length };
    return { status: "unusable", message: unusableMessage(config, failures[0], failures.length, live.length) };
  } finally {
    // A connection attempt that timed out may never settle; do not wait for it.
    const closing = options.database.end().catch(() => undefined);
    if (!timedOut) await closing;
  }
}

function unusableMessage(config: ServerConfig, data: unknown, failed: number, total: number): string {
  const which = total === 1 ? "The JWT signing key" : `${failed} of the ${total} JWT signing keys`;
  const stored = `${which} stored in the database (table jwks)`;
  const consequence = "so no one can get an API token (/api/auth/token would answer 500)";
  const docs = 'See "Rotating the secret" in README.md.';
  const envelope = typeof data === "string" ? parseEnvelope(data) : null;
  const current = config.secrets?.[0];

  if (envelope) {
    // Encrypted while BETTER_AUTH_SECRETS was in use, under one of its versions.
    const v = envelope.version;
    const listed = config.secrets?.some((s) => s.version === v);
    const cause = !config.secrets
      ? `was encrypted with version ${v} of BETTER_AUTH_SECRETS, which is not set`
      : listed
        ? `was encrypted with a different secret than the one BETTER_AUTH_SECRETS now gives version ${v}`
        : `was encrypted with version ${v} of BETTER_AUTH_SECRETS, which it no longer lists`;
    const next = Math.max(v, current?.version ?? 0) + 1;
    return (
      `${stored} ${cause}, ${consequence}. ` +
      `Either restore version ${v}'s original secret in BETTER_AUTH_SECRETS, ` +
      `or rotate to a new secret and keep the old one as an older version: BETTER_AUTH_SECRETS="${next}:<new secret>,${v}:<old secret>". ${docs}`
    );
  }

  // A bare payload: encrypted with a plain BETTER_AUTH_SECRET, before any versioned secrets.
  if (!config.secrets) {
    return (
      `${stored} was encrypted with a different BETTER_AUTH_SECRET, ${consequence}. ` +
      "Either set BETTER_AUTH_SECRET back to the secret this database was used with, " +
      `or rotate: keep that old secret as BETTER_AUTH_SECRET and add BETTER_AUTH_SECRETS="2:<new secret>,1:<old secret>". ${docs}`
    );
  }
  const cause = config.secret
    ? "was encrypted before BETTER_AUTH_SECRETS was used, with a BETTER_AUTH_SECRET other than the one now set"
    : "was encrypted before BETTER_AUTH_SECRETS was used, and BETTER_AUTH_SECRET, which reads such keys, is not set";
  return (
    `${stored} ${cause}, ${consequence}. ` +
    "Keep the secret this database was used with before the rotation as BETTER_AUTH_SECRET next to BETTER_AUTH_SECRETS, " +
    `or remove BETTER_AUTH_SECRETS and set BETTER_AUTH_SECRET back to that secret. ${docs}`
  );
}

function describeDatabaseError(error: unknown, timeoutMs: number): string {
  if (error instanceof TimeoutError) return `no answer from the database within ${timeoutMs / 1000} s`;
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL: relation does not exist.
  if (code === "42P01") return "the jwks table does not exist yet (run npm run db:migrate)";
  const message = error instanceof Error ? error.message : String(error);
  // Driver messages name hosts and users, not passwords; keep the line short anyway.
  return `the database is unreachable (${message.split("\n")[0]?.slice(0, 200)})`;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError());
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
