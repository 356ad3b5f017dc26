import axe from "axe-core";
import type { Page } from "playwright-core";

/** The impacts that fail a page: axe's "serious" and "critical". */
const FAILING = new Set(["serious", "critical"]);

export interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (every rule it enables by default: WCAG 2.x A and AA, best
 * practices) on the page as it is now, and returns the serious and critical
 * violations. The engine is evaluated through the DevTools protocol, which
 * the page's Content-Security-Policy does not govern, so the policy under
 * test stays exactly as the app sends it.
 */
export async function seriousViolations(page: Page): Promise<Finding[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== "undefined");
  if (!loaded) await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] }),
  );
  return results.violations
    .filter((v) => FAILING.has(v.impact ?? ""))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(" ")}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, " ")})` : ""}`),
    }));
}

/**
 * Every page checked, and what axe found there: a test collects them all
 * and expects none, so one run lists every problem at once.
 */
export const accessibilityFindings: string[] = [];

/** Checks the page now, under a name that says which page and state it was. */
export async function checkAccessibility(page: Page, where: string): Promise<void> {
  // Let animations and transitions end: axe measures colours as painted.
  await page.waitForTimeout(100);
  for (const f of await seriousViolations(page)) {
    accessibilityFindings.push(`${where}: [${f.impact}] ${f.rule}: ${f.help}\n    ${f.targets.join("\n    ")}`);
  }
}
