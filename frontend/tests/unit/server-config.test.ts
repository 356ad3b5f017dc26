import { describe, expect, it } from "vitest";

import { ConfigError, readServerConfig } from "@/lib/server-config";

const base = { DATABASE_URL: "postgres://x/y", BETTER_AUTH_URL: "http://localhost:3000/" };

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

  it("names the variable that is missing or wrong", () => {
    expect(() => readServerConfig({ BETTER_AUTH_URL: "http://a" })).toThrow(/DATABASE_URL/);
    expect(() => readServerConfig({ DATABASE_URL: "postgres://x" })).toThrow(/BETTER_AUTH_URL/);
    expect(() => readServerConfig({ ...base, BETTER_AUTH_URL: "localhost" })).toThrow(ConfigError);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_MAX: "0" })).toThrow(/AUTH_RATE_LIMIT_MAX/);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_CREDENTIALS_MAX: "ten" })).toThrow(
      /AUTH_RATE_LIMIT_CREDENTIALS_MAX/,
    );
  });
});
