import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";

/** What a person does on the dashboard, in one place, so the tests read as steps. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  task(title: string): Locator {
    return this.page.getByRole("article", { name: title, exact: true });
  }

  /** Titles shown once the list has settled (not while a load is under way). */
  async titles(): Promise<string[] | null> {
    const busy = await this.page.locator('section[aria-label="Tasks"]').getAttribute("aria-busy");
    if (busy === "true") return null;
    return this.page
      .locator('[data-testid="task"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
  }

  async expectTitles(expected: string[], options: { sorted?: boolean } = {}): Promise<void> {
    const sorted = options.sorted ?? true;
    await expect
      .poll(
        async () => {
          const titles = await this.titles();
          return titles && sorted ? [...titles].sort() : titles;
        },
        { timeout: 15_000 },
      )
      .toEqual(sorted ? [...expected].sort() : expected);
  }

  async add(title: string, details: { priority?: "Low" | "Medium" | "High"; due?: string; description?: string } = {}) {
    const page = this.page;
    const wantsDetails = Object.keys(details).length > 0;
    if (wantsDetails) {
      const toggle = page.getByRole("button", { name: /Add details/ });
      if (await toggle.isVisible()) await toggle.click();
      if (details.description !== undefined) await page.fill("#new-task-description", details.description);
      if (details.priority) await this.choose("#new-task-priority", details.priority);
      if (details.due !== undefined) await page.fill("#new-task-due", details.due);
    }
    await page.fill("#new-task-title", title);
    // Enter adds: that is the keyboard path the page promises.
    await page.press("#new-task-title", "Enter");
    await this.task(title).waitFor();
    await expect.poll(() => page.inputValue("#new-task-title")).toBe("");
  }

  /** Picks an option of a Radix select. */
  async choose(trigger: string, option: string): Promise<void> {
    await this.page.click(trigger);
    await this.page.getByRole("option", { name: option, exact: true }).click();
  }

  async setStatus(status: "All" | "Pending" | "Completed"): Promise<void> {
    await this.page.getByRole("radio", { name: status, exact: true }).click();
  }

  /** Signs a new person up through the form and waits for their empty dashboard; resolves to their id. */
  async signUp(name: string, email: string, password: string): Promise<string> {
    const page = this.page;
    await page.goto("/sign-up");
    await page.fill("#name", name);
    await page.fill("#email", email);
    await page.fill("#password", password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.getByText("No tasks yet").waitFor();
    const session = await page.evaluate(
      async () => (await (await fetch("/api/auth/get-session")).json()) as { user: { id: string } },
    );
    return session.user.id;
  }

  /** A same-origin API call with the page's own session, as the app makes it ("another tab"). */
  api(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    return this.page.evaluate(
      async ({ path, init }) => {
        const tokenResponse = await fetch("/api/auth/token");
        const { token } = (await tokenResponse.json()) as { token: string };
        const response = await fetch(path, {
          method: init.method ?? "GET",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        const text = await response.text();
        return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
      },
      { path, init },
    );
  }

  /** Creates something through the API and resolves to its id (failing unless it is a 201). */
  async apiCreate(path: string, body: unknown): Promise<string> {
    const created = await this.api(path, { method: "POST", body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return (created.body as { id: string }).id;
  }
}
