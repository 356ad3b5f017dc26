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

export interface ServerConfig {
  databaseUrl: string;
  baseUrl: string;
  secret: string | undefined;
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
  return {
    databaseUrl: required(env, "DATABASE_URL"),
    baseUrl,
    secret: readSecret(env, requireSecret),
    rateLimit: readRateLimitSettings(env),
  };
}

function readSecret(env: Env, requireSecret: boolean): string | undefined {
  const secret = env.BETTER_AUTH_SECRET?.trim() || undefined;
  if (!secret) {
    if (requireSecret) throw new ConfigError("BETTER_AUTH_SECRET is not set (see frontend/.env.example).");
    return undefined;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    // Never echo the secret itself.
    throw new ConfigError(`BETTER_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters long.`);
  }
  return secret;
}
