import { describe, expect, it } from "vitest";

import { ConfigError, olderSecrets, readServerConfig } from "@/lib/server-config";

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
    expect(
      readServerConfig({ ...base, BETTER_AUTH_SECRET: undefined }, { requireSecret: false }).secret,
    ).toBeUndefined();
  });

  it("names the variable that is missing or wrong", () => {
    expect(() => readServerConfig({ BETTER_AUTH_URL: "http://a", BETTER_AUTH_SECRET: SECRET })).toThrow(/DATABASE_URL/);
    expect(() => readServerConfig({ DATABASE_URL: "postgres://x", BETTER_AUTH_SECRET: SECRET })).toThrow(
      /BETTER_AUTH_URL/,
    );
    expect(() => readServerConfig({ ...base, BETTER_AUTH_URL: "localhost" })).toThrow(ConfigError);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_MAX: "0" })).toThrow(/AUTH_RATE_LIMIT_MAX/);
    expect(() => readServerConfig({ ...base, AUTH_RATE_LIMIT_CREDENTIALS_MAX: "ten" })).toThrow(
      /AUTH_RATE_LIMIT_CREDENTIALS_MAX/,
    );
  });

  describe("BETTER_AUTH_SECRETS (versioned secrets for rotation)", () => {
    const S1 = "s1-0123456789abcdef0123456789abcdef";
    const S2 = "s2-0123456789abcdef0123456789abcdef";
    const S3 = "s3-0123456789abcdef0123456789abcdef";

    it("reads <version>:<secret> entries, current first, and passes them on", () => {
      const config = readServerConfig({ ...base, BETTER_AUTH_SECRET: S1, BETTER_AUTH_SECRETS: ` 2:${S2} , 1:${S1} ` });
      expect(config.secrets).toEqual([
        { version: 2, value: S2 },
        { version: 1, value: S1 },
      ]);
      expect(config.secret).toBe(S1);
    });

    it("is optional, and makes BETTER_AUTH_SECRET optional when set", () => {
      expect(readServerConfig(base).secrets).toBeUndefined();
      expect(readServerConfig({ ...base, BETTER_AUTH_SECRETS: "  " }).secrets).toBeUndefined();
      const config = readServerConfig({ ...base, BETTER_AUTH_SECRET: undefined, BETTER_AUTH_SECRETS: `1:${S1}` });
      expect(config.secret).toBeUndefined();
      expect(config.secrets).toEqual([{ version: 1, value: S1 }]);
      // A short BETTER_AUTH_SECRET is still refused next to it.
      expect(() => readServerConfig({ ...base, BETTER_AUTH_SECRET: "short", BETTER_AUTH_SECRETS: `1:${S1}` })).toThrow(
        /BETTER_AUTH_SECRET must be at least 32/,
      );
    });

    it("keeps a secret that contains a colon whole", () => {
      const withColon = `a:b:${S1}`;
      expect(readServerConfig({ ...base, BETTER_AUTH_SECRETS: `7:${withColon}` }).secrets).toEqual([
        { version: 7, value: withColon },
      ]);
    });

    it("refuses a malformed value with one line naming the variable and the entry, never the secret", () => {
      const cases: Array<[string, RegExp]> = [
        [`2:${S2},`, /^BETTER_AUTH_SECRETS entry 2 is empty; expected "<version>:<secret>" entries/],
        [`${S2}`, /^BETTER_AUTH_SECRETS entry 1 must start with a version number/],
        [`two:${S2}`, /^BETTER_AUTH_SECRETS entry 1 must start with a version number/],
        [`2:${S2},-1:${S1}`, /^BETTER_AUTH_SECRETS entry 2 must start with a version number/],
        [`1.5:${S1}`, /^BETTER_AUTH_SECRETS entry 1 must start with a version number/],
        [`:${S1}`, /^BETTER_AUTH_SECRETS entry 1 must start with a version number/],
        [
          `2:${S2},1:short-old-secret`,
          /^BETTER_AUTH_SECRETS entry 2 \(version 1\): the secret must be at least 32 characters long\.$/,
        ],
        [`2:`, /^BETTER_AUTH_SECRETS entry 1 \(version 2\): the secret must be at least 32/],
        [`2:${S2},2:${S1}`, /^BETTER_AUTH_SECRETS lists version 2 more than once; each version must be unique\.$/],
        [`1:${S1},01:${S2}`, /^BETTER_AUTH_SECRETS lists version 1 more than once/],
      ];
      for (const [value, expected] of cases) {
        let error: unknown;
        try {
          readServerConfig({ ...base, BETTER_AUTH_SECRETS: value });
        } catch (caught) {
          error = caught;
        }
        expect(error, value).toBeInstanceOf(ConfigError);
        const message = (error as ConfigError).message;
        expect(message, value).toMatch(expected);
        expect(message).not.toContain("\n");
        for (const secret of [S1, S2, "short-old-secret", "two"]) expect(message).not.toContain(secret);
      }
    });

    it("lists the older secrets that may have signed a session cookie", () => {
      expect(olderSecrets({ secret: S1, secrets: undefined })).toEqual([]);
      expect(
        olderSecrets({
          secret: S1,
          secrets: [
            { version: 2, value: S2 },
            { version: 1, value: S1 },
          ],
        }),
      ).toEqual([S1]);
      expect(
        olderSecrets({
          secret: S1,
          secrets: [
            { version: 3, value: S3 },
            { version: 2, value: S2 },
          ],
        }),
      ).toEqual([S2, S1]);
      expect(olderSecrets({ secret: S2, secrets: [{ version: 2, value: S2 }] })).toEqual([]);
      expect(olderSecrets({ secret: undefined, secrets: [{ version: 2, value: S2 }] })).toEqual([]);
    });
  });
});
