/**
 * The web app's security headers and its API forwarding, in Chromium
 * against the production server.
 *
 * Between the web app and the real Rust API sits a relay (API_URL points at
 * it): it passes requests through, notes what reached it, and answers a few
 * paths of its own: an event stream it holds open between two events, an
 * absolute Location on its own origin, a dropped connection.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createGunzip } from "node:zlib";

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { STRONG_PASSWORD, uniqueEmail } from "../support/auth-http";
import { startStack, type Stack } from "../support/stack";
import { launchBrowser, newContext, policyViolations, screenshotOnFailure } from "./browser";
import { DashboardPage } from "./dashboard-page";

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dashboard: DashboardPage;
let userId = "";

let relay: Server;
let relayUrl = "";
let apiUrl = "";
const reachedApi: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
let releaseSecondEvent: () => void = () => undefined;

function startRelay(): Promise<void> {
  relay = createServer((req, res) => {
    const url = req.url ?? "/";
    // The dashboard's own live stream (and its reconnects) comes and goes on its own schedule: not noted.
    if (!/\/events(?:\?(?!relay=)|$)/.test(url))
      reachedApi.push({ method: req.method ?? "", url, headers: req.headers });
    // The event stream's own path (issue 10), marked so the dashboard's live stream still reaches the API.
    if (url.endsWith("/events?relay=test-stream")) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("id: 1\ndata: first\n\n");
      const held = new Promise<void>((resolve) => (releaseSecondEvent = resolve));
      void held.then(() => {
        res.write("id: 2\ndata: second\n\n");
        res.end();
      });
      return;
    }
    if (url.endsWith("/tasks/test-absolute-location")) {
      res.writeHead(201, {
        "content-type": "application/json",
        location: `${relayUrl}/api/${userId}/tasks/0195f7c2-3c1a-7d3e-9a4b-5c6d7e8f9a0b`,
        link: `<${relayUrl}/api/${userId}/tasks?cursor=abc>; rel="next"`,
      });
      res.end("{}");
      return;
    }
    if (url.endsWith("/tasks/test-large-json")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ title: `Task number ${i}` }))));
      return;
    }
    if (url.endsWith("/tasks/test-drop")) {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(`${apiUrl}${url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => relay.listen(0, "127.0.0.1", resolve));
}

beforeAll(async () => {
  await startRelay();
  relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  [stack, browser] = await Promise.all([startStack({ webEnv: { API_URL: relayUrl } }), launchBrowser()]);
  apiUrl = stack.apiUrl;
  context = await newContext(browser, { baseURL: stack.webUrl });
  page = await context.newPage();
  dashboard = new DashboardPage(page);
});

afterAll(async () => {
  releaseSecondEvent();
  await browser?.close();
  await stack?.stop();
  relay?.closeAllConnections();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
});

beforeEach(({ onTestFailed, task }) => {
  onTestFailed(async () => {
    await screenshotOnFailure([page], task.name);
    process.stderr.write(`\n${policyViolations.join("\n")}\n${stack?.logs().slice(-6000) ?? ""}\n`);
  });
});

/** Where an internal address could show: every header, and the body. */
function addresses(): string[] {
  return [new URL(relayUrl).host, new URL(apiUrl).host];
}

function directive(csp: string, name: string): string[] {
  const found = csp
    .split(";")
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

/** Same-origin API call from the page, with its session's token; all headers and the body come back. */
function fromPage(path: string, init: { method?: string; body?: string } = {}) {
  return page.evaluate(
    async ({ path, init }) => {
      const { token } = (await (await fetch("/api/auth/token")).json()) as { token: string };
      const response = await fetch(path, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: init.body,
      });
      return { status: response.status, headers: [...response.headers], body: await response.text() };
    },
    { path, init },
  );
}

describe("headers", () => {
  it("every page has a nonce-based policy, a fresh nonce each time, and Next's scripts carry it", async () => {
    const nonces = new Set<string>();
    for (const path of ["/", "/", "/sign-in", "/sign-up", "/no-such-page"]) {
      const response = await fetch(`${stack.webUrl}${path}`);
      expect(response.status, path).toBe(path === "/no-such-page" ? 404 : 200);
      const csp = response.headers.get("content-security-policy") ?? "";
      const scriptSrc = directive(csp, "script-src");
      expect(scriptSrc).toContain("'strict-dynamic'");
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc.join(" "))?.[1] ?? "";
      expect(nonce).not.toBe("");
      nonces.add(nonce);
      for (const [name, sources] of [
        ["frame-ancestors", ["'none'"]],
        ["object-src", ["'none'"]],
        ["base-uri", ["'none'"]],
        ["form-action", ["'self'"]],
        ["connect-src", ["'self'"]],
      ] as const) {
        expect(directive(csp, name), `${path} ${name}`).toEqual(sources);
      }
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("permissions-policy")).toContain("camera=()");
      // Served over http: no HSTS, no upgrade.
      expect(response.headers.get("strict-transport-security")).toBeNull();
      expect(csp).not.toContain("upgrade-insecure-requests");

      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, `${path}: ${tag}`).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(5);
  });

  it("Better Auth's answers and the sign-in redirect carry them too", async () => {
    const ok = await fetch(`${stack.webUrl}/api/auth/ok`);
    expect(ok.status).toBe(200);
    expect(directive(ok.headers.get("content-security-policy") ?? "", "default-src")).toEqual(["'none'"]);
    expect(directive(ok.headers.get("content-security-policy") ?? "", "frame-ancestors")).toEqual(["'none'"]);
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");

    const redirect = await fetch(`${stack.webUrl}/dashboard`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("x-content-type-options")).toBe("nosniff");
    expect(redirect.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });
});

describe("the pages under the policy", () => {
  it("sign-up, the dashboard, its menus and dialogs, settings and sign-out work, with nothing refused", async () => {
    policyViolations.length = 0;
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up$/);
    await page.fill("#name", "Csp Tester");
    await page.fill("#email", uniqueEmail("csp"));
    // The strength bar's server-rendered style attribute applied (an empty bar, not a full one).
    const indicatorTransform = () =>
      page
        .getByRole("progressbar", { name: "Password strength" })
        .evaluate((bar) => getComputedStyle(bar.firstElementChild!).transform);
    expect(await indicatorTransform()).toMatch(/^matrix\(1, 0, 0, 1, -\d/);
    await page.fill("#password", "weak");
    await page.getByTestId("password-strength").waitFor();
    await page.fill("#password", STRONG_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.getByText("No tasks yet").waitFor();
    userId = await page.evaluate(
      async () => ((await (await fetch("/api/auth/get-session")).json()) as { user: { id: string } }).user.id,
    );

    await dashboard.add("Under a strict policy", { priority: "High", description: "nonce" });
    await dashboard.add("Second task");
    await dashboard.choose("#sort-select", "Title A–Z");
    await dashboard.expectTitles(["Second task", "Under a strict policy"], { sorted: false });
    await page.getByRole("checkbox", { name: 'Mark "Second task" as done' }).click();
    await expect.poll(() => dashboard.task("Second task").getAttribute("data-completed")).toBe("true");
    await page.getByRole("button", { name: 'Delete "Second task"' }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
    await dashboard.task("Second task").waitFor({ state: "detached" });
    await page.reload();
    await dashboard.expectTitles(["Under a strict policy"]);

    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/settings$/);
    await page.fill("#new-password", "short");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    await page.goto("/no-such-page");
    await page.getByRole("link").first().waitFor();
    await page.goto("/dashboard");
    // Signed out once the dashboard has loaded: a read still under way when the
    // session ends sends the page to sign-in by itself (with ?next=/dashboard).
    await dashboard.expectTitles(["Under a strict policy"]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);

    // Nothing the app itself does was refused…
    const refused = [...policyViolations];
    expect(refused).toEqual([]);
    // …while the policy is in force: markup injected into the page cannot run
    // script (what an XSS would try; 'strict-dynamic' trusts only scripts
    // that trusted scripts create, not inline handlers).
    await page.evaluate(() => {
      const div = document.createElement("div");
      div.innerHTML = '<img src="/no-such-image.png" onerror="window.__injected = true">';
      document.body.append(div);
    });
    await expect.poll(() => policyViolations.some((v) => v.startsWith(`${page.url()}: script-src`))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    policyViolations.length = 0;
  });
});

describe("a forwarded API answer", () => {
  beforeAll(async () => {
    const email = uniqueEmail("fwd");
    await page.goto("/sign-up");
    await page.fill("#name", "Forward Tester");
    await page.fill("#email", email);
    await page.fill("#password", STRONG_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/dashboard$/);
    userId = await page.evaluate(
      async () => ((await (await fetch("/api/auth/get-session")).json()) as { user: { id: string } }).user.id,
    );
  });

  it("names neither the API nor a rewrite, and its Location is a usable same-origin URL", async () => {
    reachedApi.length = 0;
    const created = await fromPage(`/api/${userId}/tasks`, {
      method: "POST",
      body: JSON.stringify({ title: "Forwarded" }),
    });
    expect(created.status).toBe(201);
    const headers = new Map(created.headers);
    expect([...headers.keys()].filter((n) => n.startsWith("x-middleware"))).toEqual([]);
    const everything = `${created.headers.map(([n, v]) => `${n}: ${v}`).join("\n")}\n${created.body}`;
    for (const host of addresses()) expect(everything).not.toContain(host);
    const id = (JSON.parse(created.body) as { id: string }).id;
    expect(headers.get("location")).toBe(`/api/${userId}/tasks/${id}`);
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(directive(headers.get("content-security-policy") ?? "", "default-src")).toEqual(["'none'"]);

    // Following it from the page reaches the task.
    const again = await fromPage(headers.get("location")!);
    expect(again.status).toBe(200);
    expect((JSON.parse(again.body) as { title: string }).title).toBe("Forwarded");

    // The API got the token, never the session cookie.
    const post = reachedApi.find((r) => r.method === "POST");
    expect(post?.headers.authorization).toMatch(/^Bearer /);
    expect(post?.headers.cookie).toBeUndefined();
    expect(post?.url).toBe(`/api/${userId}/tasks`);
  });

  it("as the server sends it: no x-middleware-rewrite, no address (raw HTTP)", async () => {
    for (const path of [
      `/api/${userId}/tasks?limit=1`,
      `/api/${userId}/tasks/test-absolute-location`,
      `/api/${userId}/tasks/test-drop`,
    ]) {
      const response = await fetch(`${stack.webUrl}${path}`, { method: path.includes("absolute") ? "POST" : "GET" });
      const raw = `${[...response.headers].map(([n, v]) => `${n}: ${v}`).join("\n")}\n${await response.text()}`;
      expect(raw, path).not.toMatch(/x-middleware/i);
      for (const host of addresses()) expect(raw, path).not.toContain(host);
      if (path.includes("absolute")) {
        expect(response.headers.get("location")).toBe(`/api/${userId}/tasks/0195f7c2-3c1a-7d3e-9a4b-5c6d7e8f9a0b`);
        expect(response.headers.get("link")).toBe(`</api/${userId}/tasks?cursor=abc>; rel="next"`);
      }
      if (path.includes("drop")) {
        expect(response.status).toBe(502);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
      }
      if (path.includes("limit")) expect(response.status).toBe(401); // no token: the API's own answer
    }
  });

  it("other paths under /api are not forwarded", async () => {
    reachedApi.length = 0;
    for (const path of [
      `/api/${userId}/other`,
      `/api/${userId}/openapi.json`,
      `/api/${userId}/tasks/%2e%2e/%2e%2e/%2e%2e/readyz`,
      `/api/${userId}/tasks/../../../readyz`,
    ]) {
      // Raw HTTP: the path goes out exactly as written, dot segments and all.
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${stack.webUrl}/`, { path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      expect(status, path).toBe(404);
    }
    expect(reachedApi).toEqual([]);
  });

  it("streams: the browser reads the first event while the API still holds the second", async () => {
    const path = `/api/${userId}/events?relay=test-stream`;
    const first = await page.evaluate(async (path) => {
      const response = await fetch(path, { headers: { accept: "text/event-stream" } });
      const reader = response.body!.getReader();
      (window as unknown as { __stream: unknown }).__stream = reader;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
      ]);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        text: chunk && chunk.value ? new TextDecoder().decode(chunk.value) : "(nothing within 10 s)",
      };
    }, path);
    expect(first).toEqual({ status: 200, type: "text/event-stream", text: "id: 1\ndata: first\n\n" });

    releaseSecondEvent();
    const rest = await page.evaluate(async () => {
      const reader = (window as unknown as { __stream: ReadableStreamDefaultReader<Uint8Array> }).__stream;
      const decoder = new TextDecoder();
      let text = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    });
    expect(rest).toBe("id: 2\ndata: second\n\n");
  });

  it("streams past Next's compression (raw HTTP, gzip accepted)", async () => {
    const path = `/api/${userId}/events?relay=test-stream`;
    const { status, encoding, first } = await new Promise<{ status: number; encoding: string; first: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${stack.webUrl}${path}`,
          { headers: { "accept-encoding": "gzip", accept: "text/event-stream" } },
          (res) => {
            const encoding = String(res.headers["content-encoding"] ?? "identity");
            const body = encoding === "gzip" ? res.pipe(createGunzip()) : res;
            const timer = setTimeout(() => reject(new Error("the first event was held back")), 10_000);
            body.once("data", (chunk: Buffer) => {
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, encoding, first: chunk.toString() });
              releaseSecondEvent();
              body.resume();
            });
          },
        );
        req.on("error", reject);
        req.end();
      },
    );
    expect(status).toBe(200);
    expect(first).toBe("id: 1\ndata: first\n\n");
    // Not compressed (Cache-Control: no-transform), though gzip was offered…
    expect(encoding).toBe("identity");
    // …while ordinary answers still are.
    const json = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        `${stack.webUrl}/api/${userId}/tasks/test-large-json`,
        { headers: { "accept-encoding": "gzip" } },
        (res) => {
          res.resume();
          resolve(String(res.headers["content-encoding"] ?? "identity"));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(json).toBe("gzip");
  });
});
