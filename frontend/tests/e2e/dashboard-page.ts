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
}
