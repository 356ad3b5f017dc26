/**
 * Server settings read from the environment. A bad value stops the server
 * with one line naming the variable, instead of failing later in a request.
 */

export interface RateLimitSettings {
  /** Every Better Auth endpoint not listed below. */
  window: number;
  max: number;
  /** Endpoints that check a password: sign-in, sign-up, change/reset password, delete account. */
  credentialsWindow: number;
  credentialsMax: number;
}

/** One entry of BETTER_AUTH_SECRETS (`<version>:<secret>`). */
export interface VersionedSecret {
  version: number;
  value: string;
}

export interface ServerConfig {
  databaseUrl: string;
  baseUrl: string;
  /**
   * BETTER_AUTH_SECRET. With `secrets` set it only reads data encrypted
   * before versioned secrets were used (Better Auth's "legacy" secret).
   */
  secret: string | undefined;
  /** BETTER_AUTH_SECRETS, current secret first; undefined when not set. */
  secrets?: VersionedSecret[] | undefined;
  rateLimit: RateLimitSettings;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set (see frontend/.env.example).`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}".`);
  }
  return Number(raw);
}

export function readRateLimitSettings(env: Env): RateLimitSettings {
  return {
    window: positiveInt(env, "AUTH_RATE_LIMIT_WINDOW_SECONDS", 60),
    max: positiveInt(env, "AUTH_RATE_LIMIT_MAX", 100),
    // Better Auth's own defaults for credential endpoints: 3 tries per 10 s.
    credentialsWindow: positiveInt(env, "AUTH_RATE_LIMIT_CREDENTIALS_WINDOW_SECONDS", 10),
    credentialsMax: positiveInt(env, "AUTH_RATE_LIMIT_CREDENTIALS_MAX", 3),
  };
}

export const MIN_SECRET_LENGTH = 32;

/**
 * @param requireSecret false only for the schema migration, which signs nothing.
 */
export function readServerConfig(env: Env = process.env, { requireSecret = true } = {}): ServerConfig {
  const baseUrl = required(env, "BETTER_AUTH_URL").replace(/\/+$/, "");
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigError(`BETTER_AUTH_URL must be an absolute URL, got "${baseUrl}".`);
  }
  const secrets = readVersionedSecrets(env);
  return {
    databaseUrl: required(env, "DATABASE_URL"),
    baseUrl,
    // BETTER_AUTH_SECRETS, when set, holds the current secret.
    secret: readSecret(env, requireSecret && !secrets),
    secrets,
    rateLimit: readRateLimitSettings(env),
  };
}

function readSecret(env: Env, requireSecret: boolean): string | undefined {
  const secret = env.BETTER_AUTH_SECRET?.trim() || undefined;
  if (!secret) {
    if (requireSecret) {
      throw new ConfigError("BETTER_AUTH_SECRET is not set (see frontend/.env.example).");
    }
    return undefined;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    // Never echo the secret itself.
    throw new ConfigError(`BETTER_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters long.`);
  }
  return secret;
}

const SECRETS_FORMAT =
  '"<version>:<secret>" entries separated by commas, newest first, e.g. "2:<new secret>,1:<old secret>"';

/**
 * BETTER_AUTH_SECRETS: versioned secrets for rotation, parsed as Better Auth
 * parses them, but stricter (a secret of at least 32 characters, whole-number
 * versions, each version once). The first entry is the current secret; the
 * others only read data and sessions made under them. Errors name the entry
 * by position and version, never by its text, which may be a secret.
 */
export function readVersionedSecrets(env: Env): VersionedSecret[] | undefined {
  const raw = env.BETTER_AUTH_SECRETS?.trim();
  if (!raw) return undefined;
  const seen = new Set<number>();
  return raw.split(",").map((part, index) => {
    const entry = part.trim();
    const position = `entry ${index + 1}`;
    if (!entry) throw new ConfigError(`BETTER_AUTH_SECRETS ${position} is empty; expected ${SECRETS_FORMAT}.`);
    const colon = entry.indexOf(":");
    const versionText = colon === -1 ? "" : entry.slice(0, colon).trim();
    if (!/^\d{1,9}$/.test(versionText)) {
      throw new ConfigError(
        `BETTER_AUTH_SECRETS ${position} must start with a version number (a whole number) and a colon; expected ${SECRETS_FORMAT}.`,
      );
    }
    const version = Number(versionText);
    const value = entry.slice(colon + 1).trim();
    if (value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `BETTER_AUTH_SECRETS ${position} (version ${version}): the secret must be at least ${MIN_SECRET_LENGTH} characters long.`,
      );
    }
    if (seen.has(version)) {
      throw new ConfigError(
        `BETTER_AUTH_SECRETS lists version ${version} more than once; each version must be unique.`,
      );
    }
    seen.add(version);
    return { version, value };
  });
}

/**
 * Every secret other than the current one that can still have signed a
 * session cookie: the older BETTER_AUTH_SECRETS versions and, with versioned
 * secrets on, BETTER_AUTH_SECRET (the secret from before the rotation).
 */
export function olderSecrets(config: Pick<ServerConfig, "secret" | "secrets">): string[] {
  const [current, ...older] = config.secrets ?? [];
  if (!current) return [];
  const values = [...older.map((s) => s.value), ...(config.secret ? [config.secret] : [])];
  return [...new Set(values)].filter((value) => value !== current.value);
}
