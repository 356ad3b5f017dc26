import { describe, expect, it } from "vitest";

import {
  API_CONTENT_SECURITY_POLICY,
  AUTH_CONTENT_SECURITY_POLICY,
  apiSecurityHeaders,
  authSecurityHeaders,
  baseSecurityHeaders,
  createNonce,
  pageContentSecurityPolicy,
  pageSecurityHeaders,
  usesHsts,
} from "@/lib/security-headers";

const PROD = { NODE_ENV: "production", BETTER_AUTH_URL: "https://todo.example" };
const PROD_HTTP = { NODE_ENV: "production", BETTER_AUTH_URL: "http://127.0.0.1:3000" };
const DEV = { NODE_ENV: "development", BETTER_AUTH_URL: "http://localhost:3000" };

/** directive name → its sources */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(out.has(name), `${name} appears once`).toBe(false);
    out.set(name, sources);
  }
  return out;
}

const get = (headers: Array<[string, string]>, name: string) =>
  headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

describe("the pages' Content-Security-Policy", () => {
  it("in production: scripts by nonce and strict-dynamic only, never inline or eval", () => {
    const csp = directives(pageContentSecurityPolicy("abc123==", PROD));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
  });

  it("allows inline style attributes only, never inline <style> or script elements", () => {
    const csp = directives(pageContentSecurityPolicy("n", PROD));
    expect(csp.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(csp.has("style-src-elem")).toBe(false);
    expect(csp.has("script-src-attr")).toBe(false);
    expect(csp.has("script-src-elem")).toBe(false);
  });

  it("in development: eval for React, inline styles for Next's overlay", () => {
    const csp = directives(pageContentSecurityPolicy("n", DEV));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-n'", "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
    // A nonce would make browsers ignore 'unsafe-inline'.
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });

  it("does not upgrade requests on a server served over http", () => {
    expect(directives(pageContentSecurityPolicy("n", PROD_HTTP)).has("upgrade-insecure-requests")).toBe(false);
  });

  it("is one header line", () => {
    expect(pageContentSecurityPolicy("n", PROD)).not.toMatch(/[\r\n]/);
  });
});

describe("nonces", () => {
  it("are 128 random bits in base64, different every time, in the form Next.js reads", () => {
    const seen = new Set(Array.from({ length: 200 }, createNonce));
    expect(seen.size).toBe(200);
    for (const nonce of seen) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      // Next.js's own pattern (get-script-nonce-from-header.js).
      expect(`'nonce-${nonce}'`).toMatch(/^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/);
    }
  });
});

describe("Strict-Transport-Security", () => {
  it("only from a production server whose public origin is https", () => {
    expect(usesHsts(PROD)).toBe(true);
    expect(usesHsts({ ...PROD, BETTER_AUTH_URL: " https://todo.example/ " })).toBe(true);
    expect(usesHsts(PROD_HTTP)).toBe(false);
    expect(usesHsts({ ...DEV, BETTER_AUTH_URL: "https://todo.example" })).toBe(false);
    expect(usesHsts({ NODE_ENV: "test", BETTER_AUTH_URL: "https://todo.example" })).toBe(false);
    expect(usesHsts({ NODE_ENV: "production" })).toBe(false);
    expect(usesHsts({ NODE_ENV: "production", BETTER_AUTH_URL: "not a url" })).toBe(false);
  });

  it("is a year, for this host only", () => {
    expect(get(baseSecurityHeaders(PROD), "Strict-Transport-Security")).toEqual(["max-age=31536000"]);
    expect(get(baseSecurityHeaders(PROD_HTTP), "Strict-Transport-Security")).toEqual([]);
    expect(get(baseSecurityHeaders(DEV), "Strict-Transport-Security")).toEqual([]);
  });
});

describe("the other headers", () => {
  it("are on every kind of response", () => {
    for (const headers of [pageSecurityHeaders("n", PROD), authSecurityHeaders(PROD), apiSecurityHeaders(PROD)]) {
      expect(get(headers, "X-Content-Type-Options")).toEqual(["nosniff"]);
      expect(get(headers, "Referrer-Policy")).toEqual(["strict-origin-when-cross-origin"]);
      expect(get(headers, "X-Frame-Options")).toEqual(["DENY"]);
      expect(get(headers, "Strict-Transport-Security")).toEqual(["max-age=31536000"]);
      expect(get(headers, "Content-Security-Policy")).toHaveLength(1);
      const permissions = get(headers, "Permissions-Policy")[0] ?? "";
      for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
        expect(permissions.split(", ")).toContain(`${feature}=()`);
      }
    }
  });

  it("Better Auth's and the API's answers may load and run nothing (the auth error page keeps its inline styles)", () => {
    const api = directives(API_CONTENT_SECURITY_POLICY);
    expect(api.get("default-src")).toEqual(["'none'"]);
    expect(api.get("frame-ancestors")).toEqual(["'none'"]);
    expect(api.has("style-src")).toBe(false);
    const auth = directives(AUTH_CONTENT_SECURITY_POLICY);
    expect(auth.get("default-src")).toEqual(["'none'"]);
    expect(auth.get("frame-ancestors")).toEqual(["'none'"]);
    expect(auth.get("style-src")).toEqual(["'unsafe-inline'"]);
    expect(auth.has("script-src")).toBe(false);
  });
});
