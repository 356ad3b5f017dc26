import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import { RESULTS_DIR } from "../support/paths";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // --no-sandbox: CI runs as root; no background networking: offline machine.
    args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
}

/**
 * Everything the Content-Security-Policy (or Permissions-Policy) refused in
 * any page of any context made by newContext: the pages'
 * `securitypolicyviolation` events and the browser's console errors about
 * the policies. A test expects it empty.
 */
export const policyViolations: string[] = [];

async function watchPolicies(context: BrowserContext): Promise<void> {
  // Bindings and init scripts are installed by the browser, not the page:
  // the page's own policy does not apply to them.
  await context.exposeBinding("__reportPolicyViolation", ({ page }, text: string) => {
    policyViolations.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => {
        const report = (window as unknown as { __reportPolicyViolation(text: string): void }).__reportPolicyViolation;
        report(
          `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
        );
      },
      true,
    );
  });
  context.on("console", (message) => {
    const serious = message.type() === "error" || message.type() === "warning";
    if (serious && /Content Security Policy|Permissions-Policy|Permissions policy/i.test(message.text())) {
      policyViolations.push(`${message.page()?.url() ?? "?"}: console: ${message.text()}`);
    }
  });
}

export interface ContextOptions {
  baseURL: string;
  phone?: boolean;
  dark?: boolean;
  /** The browser's time zone (an IANA name); the machine's when absent. */
  timezoneId?: string;
}

export async function newContext(
  browser: Browser,
  { baseURL, phone, dark, timezoneId }: ContextOptions,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone ?? false,
    hasTouch: phone ?? false,
    colorScheme: dark ? "dark" : "light",
    reducedMotion: "reduce",
    ...(timezoneId ? { timezoneId } : {}),
  });
  await watchPolicies(context);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** Kept on failure under test-results/, named after the test. */
export async function screenshotOnFailure(pages: Page[], testName: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const safe = testName
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
  await Promise.all(
    pages
      .filter((p) => !p.isClosed())
      .map((p, i) =>
        p
          .screenshot({ path: join(RESULTS_DIR, `${safe}${i ? `-${i}` : ""}.png`), fullPage: true })
          .catch(() => undefined),
      ),
  );
}

/** README screenshots go to docs/screenshots/ only when asked (SAVE_DOC_SCREENSHOTS=1). */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.SAVE_DOC_SCREENSHOTS !== "1") return;
  const dir = join(RESULTS_DIR, "..", "..", "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
