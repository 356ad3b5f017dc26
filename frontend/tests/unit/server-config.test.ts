import { describe, expect, it } from "vitest";

import { ConfigError, readServerConfig } from "@/lib/server-config";

const SECRET = "0123456789abcdef0123456789abcdef";
const base = { DATABASE_URL: "postgres://x/y", BETTER_AUTH_URL: "http://localhost:3000/", BETTER_AUTH_SECRET: SECRET };

describe("readServerConfig", () => {
  it("uses Better Auth's credential limits and a generous general limit by default", () => {
    const config = readServerConfig(base);
    expect(config.baseUrl).toBe("http://localhost:3000");
    expect(config.rateLimit).toEqual({ window: 60, max: 100, credentialsWindow: 10, credentialsMax: 3 });
  });

  it("reads every rate-limit knob", () => {
    const config = readServerConfig({
      ...base,
      AUTH_RATE_LIMIT_WINDOW_SECONDS: "30",
      AUTH_RATE_LIMIT_MAX: "500",
      AUTH_RATE_LIMIT_CREDENTIALS_WINDOW_SECONDS: "60",
      AUTH_RATE_LIMIT_CREDENTIALS_MAX: "50",
    });
    expect(config.rateLimit).toEqual({ window: 30, max: 500, credentialsWindow: 60, credentialsMax: 50 });
  });

  it("requires a long enough secret, except for the schema migration", () => {
    expect(readServerConfig(base).secret).toBe(SECRET);
    expect(() => readServerConfig({ ...base, BETTER_AUTH_SECRET: "" })).toThrow(/BETTER_AUTH_SECRET is not set/);
    expect(() => readServerConfig({ ...base, BETTER_AUTH_SECRET: "short-secret" })).toThrow(/at least 32/);
    expect(() => readServerConfig({ ...base, BETTER_AUTH_SECRET: "short-secret" })).not.toThrow(/short-secret/);
    expect(readServerConfig({ ...base, BETTER_AUTH_SECRET: undefined }, { requireSecret: false }).secret).toBeUndefined();
  });

  it("names the variable that is missing or wrong", () => {
    expect(() => readServerConfig({ BETTER_AUTH_URL: "http://a", BETTER_AUTH_SECRET: SECRET })).toThrow(/DATABASE_URL/);
    expect(() => readServerConfig({ DATABASE_URL: "postgres://x", BETTER_AUTH_SECRET: SECRET })).toThrow(/BETTER_AUTH_URL/);
    expect(() => readServerConfig({ ...base, BETTER_AUTH_URL: "localhost" })).toThrow(ConfigError);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_MAX: "0" })).toThrow(/AUTH_RATE_LIMIT_MAX/);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_CREDENTIALS_MAX: "ten" })).toThrow(
      /AUTH_RATE_LIMIT_CREDENTIALS_MAX/,
    );
  });
});
