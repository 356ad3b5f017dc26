/**
 * The product in a real browser (Debian's Chromium through playwright-core),
 * against the production web app, the Rust API and a fresh database.
 * The tests run in order and build on each other, as one person's day would.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { STRONG_PASSWORD, uniqueEmail } from "../support/auth-http";
import { startStack, type Stack } from "../support/stack";
import { accessibilityFindings, checkAccessibility } from "./accessibility";
import { docScreenshot, launchBrowser, newContext, policyViolations, screenshotOnFailure } from "./browser";
import { DashboardPage } from "./dashboard-page";

type Box = { x: number; y: number; width: number; height: number };

let stack: Stack;
let browser: Browser;
let aliceContext: BrowserContext;
let page: Page;
let dashboard: DashboardPage;
const openPages = new Set<Page>();

const alice = { name: "Alice Example", email: uniqueEmail("alice"), password: STRONG_PASSWORD };
let aliceId = "";

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  aliceContext = await newContext(browser, { baseURL: stack.webUrl });
  page = await aliceContext.newPage();
  openPages.add(page);
  dashboard = new DashboardPage(page);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

beforeEach(({ onTestFailed, task }) => {
  onTestFailed(async () => {
    await screenshotOnFailure([...openPages], task.name);
    process.stderr.write(`\n${stack?.logs().slice(-6000) ?? ""}\n`);
  });
});

function isoDate(offsetDays: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Same-origin API call with the page's own session, as the app makes it. */
function apiFromPage(p: Page, path: string, init: { method?: string; body?: unknown } = {}) {
  return p.evaluate(
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

describe("signed out", () => {
  it("the dashboard and settings redirect to sign-in", async () => {
    await page.goto("/dashboard");
    await page.waitForURL(/\/sign-in\?next=%2Fdashboard$/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.goto("/settings");
    await page.waitForURL(/\/sign-in\?next=%2Fsettings$/);
  });

  it("home, sign-in and sign-up pass axe-core, on a desktop in light and on a phone in dark mode", async () => {
    for (const look of [{}, { phone: true, dark: true }]) {
      const context = await newContext(browser, { baseURL: stack.webUrl, ...look });
      const p = await context.newPage();
      openPages.add(p);
      const how = "phone" in look ? "phone, dark" : "desktop, light";
      try {
        await p.goto("/");
        await checkAccessibility(p, `home (${how})`);
        await p.goto("/sign-in");
        await p.getByRole("heading", { name: "Sign in" }).waitFor();
        await checkAccessibility(p, `sign-in (${how})`);
        await p.goto("/sign-up");
        await p.getByRole("button", { name: "Create account" }).waitFor();
        await checkAccessibility(p, `sign-up (${how})`);
      } finally {
        openPages.delete(p);
        await context.close();
      }
    }
  });
});

describe("signing up", () => {
  it("refuses a weak password, naming what is missing, then accepts a strong one", async () => {
    await page.goto("/sign-up");
    await page.fill("#name", alice.name);
    await page.fill("#email", alice.email);
    await page.fill("#password", "weakpass");

    const requirement = (label: RegExp) => page.getByRole("listitem").filter({ hasText: label });
    expect(await requirement(/8 characters/).getAttribute("data-met")).toBe("true");
    expect(await requirement(/lower-case/).getAttribute("data-met")).toBe("true");
    expect(await requirement(/upper-case/).getAttribute("data-met")).toBe("false");
    expect(await requirement(/digit/).getAttribute("data-met")).toBe("false");
    expect(await requirement(/symbol/).getAttribute("data-met")).toBe("false");
    expect(await page.getByTestId("password-strength").textContent()).toBe("Too weak");
    await docScreenshot(page, "sign-up");

    await page.getByRole("button", { name: "Create account" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Password needs an upper-case letter, a digit and a symbol." })
      .waitFor();
    expect(page.url()).toContain("/sign-up");
    await checkAccessibility(page, "sign-up, a weak password refused");

    await page.fill("#password", alice.password);
    for (const label of [/8 characters/, /upper-case/, /lower-case/, /digit/, /symbol/]) {
      expect(await requirement(label).getAttribute("data-met")).toBe("true");
    }
    expect(await page.getByTestId("password-strength").textContent()).toBe("Strong");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.waitForURL(/\/dashboard$/);
    await page.getByText("No tasks yet").waitFor();
    expect(await page.getByTestId("signed-in-user").textContent()).toContain(alice.name);
    const session = await page.evaluate(
      async () => (await (await fetch("/api/auth/get-session")).json()) as { user: { id: string } },
    );
    aliceId = session.user.id;
  });

  it("says so when the email is taken", async () => {
    const other = await newContext(browser, { baseURL: stack.webUrl });
    const p = await other.newPage();
    openPages.add(p);
    try {
      await p.goto("/sign-up");
      await p.fill("#name", "Someone Else");
      await p.fill("#email", alice.email);
      await p.fill("#password", STRONG_PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.getByRole("alert").filter({ hasText: "An account with this email already exists" }).waitFor();
    } finally {
      openPages.delete(p);
      await other.close();
    }
  });
});

describe("managing tasks", () => {
  it("creates tasks with Enter, with details, and marks overdue ones", async () => {
    await dashboard.add("Buy milk");
    await dashboard.add("Write report", {
      priority: "High",
      due: isoDate(-2),
      description: "Quarterly numbers",
    });
    await dashboard.add("Call mom", { priority: "Low", due: isoDate(5) });
    // "My order" (the default) keeps the order they were added in.
    await dashboard.expectTitles(["Buy milk", "Write report", "Call mom"], { sorted: false });

    const report = dashboard.task("Write report");
    expect(await report.getAttribute("data-overdue")).toBe("true");
    expect(await report.textContent()).toContain("Overdue");
    expect(await report.textContent()).toContain("High priority");
    expect(await report.textContent()).toContain("Quarterly numbers");
    expect(await dashboard.task("Call mom").getAttribute("data-overdue")).toBe("false");
    expect(await dashboard.task("Buy milk").textContent()).toContain("Medium priority");
  });

  it("refuses an empty title without losing the details", async () => {
    await page.fill("#new-task-description", "kept");
    await page.fill("#new-task-title", "   ");
    await page.press("#new-task-title", "Enter");
    await page.getByText("Give the task a title.").waitFor();
    expect(await page.inputValue("#new-task-description")).toBe("kept");
    await checkAccessibility(page, "dashboard, a title refused, details open");
    await page.fill("#new-task-description", "");
    await page.fill("#new-task-title", "");
    await page.getByText("Give the task a title.").waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Hide details" }).click();
  });

  it("lets a title of 150 emoji be typed (the API counts characters, not UTF-16 units)", async () => {
    const emoji = "\u{1F389}";
    await page.focus("#new-task-title");
    // Typed as a person (or an IME) would: an input's maxLength would cut this at 100 emoji.
    await page.keyboard.insertText(emoji.repeat(150));
    expect(await page.inputValue("#new-task-title")).toBe(emoji.repeat(150));
    await page.keyboard.insertText(emoji.repeat(51));
    await page.press("#new-task-title", "Enter");
    await page.getByText("Keep the title to 200 characters.").waitFor();
    await page.fill("#new-task-title", "");
    await page.getByText("Keep the title to 200 characters.").waitFor({ state: "detached" });
  });

  it("edits in place: Enter saves, Escape cancels", async () => {
    await page.getByRole("button", { name: 'Edit "Buy milk"' }).click();
    const title = page.getByRole("form", { name: "Edit task Buy milk" }).getByLabel("Title");
    await title.fill("Buy oat milk");
    await title.press("Enter");
    await dashboard.task("Buy oat milk").waitFor();

    await page.getByRole("button", { name: 'Edit "Call mom"' }).click();
    await checkAccessibility(page, "dashboard, editing a task");
    const other = page.getByRole("form", { name: "Edit task Call mom" }).getByLabel("Title");
    await other.fill("Something else");
    await other.press("Escape");
    await dashboard.task("Call mom").waitFor();
    await dashboard.expectTitles(["Buy oat milk", "Call mom", "Write report"]);
  });

  it("toggles completion", async () => {
    await page.getByRole("checkbox", { name: 'Mark "Buy oat milk" as done' }).click();
    await expect.poll(() => dashboard.task("Buy oat milk").getAttribute("data-completed")).toBe("true");
    await page.getByRole("checkbox", { name: 'Mark "Buy oat milk" as not done' }).waitFor();
  });

  it("filters by status and priority, searches and sorts", async () => {
    await dashboard.setStatus("Pending");
    await dashboard.expectTitles(["Call mom", "Write report"]);
    await dashboard.setStatus("Completed");
    await dashboard.expectTitles(["Buy oat milk"]);
    await dashboard.setStatus("All");
    await dashboard.expectTitles(["Buy oat milk", "Call mom", "Write report"]);

    await dashboard.choose("#priority-filter", "High");
    await dashboard.expectTitles(["Write report"]);
    await dashboard.choose("#priority-filter", "Any priority");

    await page.fill("#task-search", "quarterly"); // matches the description, case-insensitively
    await dashboard.expectTitles(["Write report"]);
    await page.fill("#task-search", "nothing like this");
    await page.getByText("No tasks match these filters").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await dashboard.expectTitles(["Buy oat milk", "Call mom", "Write report"]);
    expect(await page.inputValue("#task-search")).toBe("");

    await dashboard.choose("#sort-select", "Title A–Z");
    await dashboard.expectTitles(["Buy oat milk", "Call mom", "Write report"], { sorted: false });
    await dashboard.choose("#sort-select", "Highest priority");
    await dashboard.expectTitles(["Write report", "Buy oat milk", "Call mom"], { sorted: false });
    await dashboard.choose("#sort-select", "Newest first");
    await dashboard.expectTitles(["Call mom", "Write report", "Buy oat milk"], { sorted: false });
    await checkAccessibility(page, "dashboard with tasks");
    await page.click("#sort-select");
    await page.getByRole("listbox").waitFor();
    await checkAccessibility(page, "dashboard, a menu open");
    await page.keyboard.press("Escape");
  });

  it("deletes after a confirmation, and keeps the task when the user changes their mind", async () => {
    await page.getByRole("button", { name: 'Delete "Call mom"' }).click();
    await page.getByRole("alertdialog").waitFor();
    await checkAccessibility(page, "dashboard, a delete confirmation open");
    await page.getByRole("alertdialog").getByRole("button", { name: "Keep it" }).click();
    await dashboard.task("Call mom").waitFor();

    await page.getByRole("button", { name: 'Delete "Call mom"' }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
    await dashboard.task("Call mom").waitFor({ state: "detached" });
    await dashboard.expectTitles(["Buy oat milk", "Write report"]);
  });

  it("keeps everything after a reload", async () => {
    await page.reload();
    await dashboard.expectTitles(["Buy oat milk", "Write report"]);
    expect(await dashboard.task("Buy oat milk").getAttribute("data-completed")).toBe("true");
    expect(await dashboard.task("Write report").textContent()).toContain("High priority");
  });

  it("works from the keyboard alone, with a visible focus ring", async () => {
    await page.reload();
    await dashboard.expectTitles(["Buy oat milk", "Write report"]);
    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return {
          id: el?.id ?? "",
          label: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "",
          // Tailwind's focus ring is a box-shadow with a spread and no blur;
          // the resting shadows (shadow-xs/sm) have a blur and no spread.
          ring: !!style && /0px 0px 0px [1-9]/.test(style.boxShadow),
        };
      });
    const tabTo = async (matches: (a: Awaited<ReturnType<typeof active>>) => boolean, key = "Tab") => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press(key);
        const now = await active();
        if (matches(now)) return now;
      }
      throw new Error(`${key} never reached the element`);
    };

    await tabTo((a) => a.id === "new-task-title");
    await page.keyboard.type("Keyboard task");
    await page.keyboard.press("Enter");
    await dashboard.task("Keyboard task").waitFor();

    const checkbox = await tabTo((a) => a.label === 'Mark "Keyboard task" as done');
    expect(checkbox.ring).toBe(true);
    await page.keyboard.press("Space");
    await expect.poll(() => dashboard.task("Keyboard task").getAttribute("data-completed")).toBe("true");

    const edit = await tabTo((a) => a.label === 'Edit "Keyboard task"');
    expect(edit.ring).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await active()).id).toMatch(/^edit-.*-title$/);
    await page.keyboard.press("Escape");
    await dashboard.task("Keyboard task").waitFor();

    await tabTo((a) => a.label === 'Delete "Keyboard task"');
    await page.keyboard.press("Enter");
    await page.getByRole("alertdialog").waitFor();
    await tabTo((a) => a.label === "Delete task");
    await page.keyboard.press("Enter");
    await dashboard.task("Keyboard task").waitFor({ state: "detached" });
    await dashboard.expectTitles(["Buy oat milk", "Write report"]);
  });

  it("loads more when the API has another page", async () => {
    for (let i = 1; i <= 21; i++) {
      const created = await apiFromPage(page, `/api/${aliceId}/tasks`, {
        method: "POST",
        body: { title: `Bulk ${String(i).padStart(2, "0")}` },
      });
      expect(created.status).toBe(201);
    }
    await page.reload();
    // A reload on a busy 2-core machine takes seconds, not the default second of polling.
    await expect.poll(async () => (await dashboard.titles())?.length ?? -1, { timeout: 15_000 }).toBe(20);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(async () => (await dashboard.titles())?.length ?? -1).toBe(23);
    await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
    const titles = (await dashboard.titles()) ?? [];
    expect(new Set(titles).size).toBe(23);
    // Tidy up so later steps see a short list.
    const list = await apiFromPage(page, `/api/${aliceId}/tasks?q=Bulk&limit=100`);
    for (const task of list.body as Array<{ id: string }>) {
      expect((await apiFromPage(page, `/api/${aliceId}/tasks/${task.id}`, { method: "DELETE" })).status).toBe(204);
    }
    await page.reload();
    await dashboard.expectTitles(["Buy oat milk", "Write report"]);
  });

  it("on a conflicting change (412) reloads the task and tells the user", async () => {
    await page.getByRole("button", { name: 'Edit "Write report"' }).click();
    // Named by whatever title it shows: live updates (issue 10) show the rename below in it at once.
    const form = page.getByRole("form", { name: /^Edit task / });
    await form.getByLabel("Title").fill("Write the report today");
    // Meanwhile, another tab renames it.
    const list = await apiFromPage(page, `/api/${aliceId}/tasks?q=report`);
    const [report] = list.body as Array<{ id: string }>;
    const elsewhere = await apiFromPage(page, `/api/${aliceId}/tasks/${report!.id}`, {
      method: "PATCH",
      body: { title: "Report (renamed elsewhere)" },
    });
    expect(elsewhere.status).toBe(200);

    await form.getByRole("button", { name: "Save" }).click();
    await page.getByText("This task was changed elsewhere", { exact: true }).waitFor();
    await checkAccessibility(page, "dashboard, a toast shown");
    // The editor now shows the latest version; cancelling shows it in the list.
    await page
      .getByRole("form", { name: "Edit task Report (renamed elsewhere)" })
      .getByRole("button", { name: "Cancel" })
      .click();
    await dashboard.task("Report (renamed elsewhere)").waitFor();
  });

  it("shows a retryable banner when the API is down, and recovers", async () => {
    await stack.stopApi();
    await page.getByRole("checkbox", { name: 'Mark "Buy oat milk" as not done' }).click();
    const banner = page.getByRole("alert").filter({ has: page.getByRole("button", { name: "Retry" }) });
    await banner.waitFor();
    await checkAccessibility(page, "dashboard, the outage banner shown");
    expect(await banner.textContent()).toMatch(/task service/);
    expect(await dashboard.task("Buy oat milk").getAttribute("data-completed")).toBe("true");
    // Whatever re-read fails meanwhile, the tasks stay on screen: never the
    // full "could not be loaded" state over a list that was shown.
    expect(await page.getByText("Your tasks could not be loaded").count()).toBe(0);
    expect(await dashboard.task("Report (renamed elsewhere)").isVisible()).toBe(true);

    await stack.restartApi();
    await banner.getByRole("button", { name: "Retry" }).click();
    await banner.waitFor({ state: "detached" });
    await dashboard.expectTitles(["Buy oat milk", "Report (renamed elsewhere)"]);
  });
});

describe("a second user", () => {
  it("sees none of the first user's tasks, and cannot reach them", async () => {
    const bobContext = await newContext(browser, { baseURL: stack.webUrl, phone: true, dark: true });
    const bob = await bobContext.newPage();
    openPages.add(bob);
    try {
      await bob.goto("/sign-up");
      await bob.fill("#name", "Bob Example");
      await bob.fill("#email", uniqueEmail("bob"));
      await bob.fill("#password", STRONG_PASSWORD);
      await bob.getByRole("button", { name: "Create account" }).click();
      await bob.waitForURL(/\/dashboard$/);
      await bob.getByText("No tasks yet").waitFor();
      expect(await bob.locator('[data-testid="task"]').count()).toBe(0);

      const bobBoard = new DashboardPage(bob);
      await bobBoard.add("Bob's own task", { priority: "High", due: isoDate(-1) });
      await bobBoard.add("Water the plants", { priority: "Low", due: isoDate(3) });
      await bob.getByRole("button", { name: "Hide details" }).click();
      await docScreenshot(bob, "dashboard-phone-dark");
      await checkAccessibility(bob, "dashboard with tasks (phone, dark)");
      await bob.getByRole("button", { name: 'Delete "Water the plants"' }).click();
      await bob.getByRole("alertdialog").waitFor();
      await checkAccessibility(bob, "dashboard, a delete confirmation open (phone, dark)");
      await bob.getByRole("alertdialog").getByRole("button", { name: "Keep it" }).click();
      await bob.goto("/settings");
      await bob.getByRole("button", { name: "Change password" }).waitFor();
      await checkAccessibility(bob, "settings (phone, dark)");
      await bob.goto("/dashboard");

      const peek = await apiFromPage(bob, `/api/${aliceId}/tasks`);
      expect(peek.status).toBe(403);
      // Alice still sees only hers.
      await page.reload();
      await dashboard.expectTitles(["Buy oat milk", "Report (renamed elsewhere)"]);
    } finally {
      openPages.delete(bob);
      await bobContext.close();
    }
  });
});

describe("subtasks", () => {
  it("adds subtasks, indents and outdents, moves from the keyboard (announced), collapses, and completes a tree", async () => {
    const context = await newContext(browser, { baseURL: stack.webUrl });
    const p = await context.newPage();
    openPages.add(p);
    const board = new DashboardPage(p);
    try {
      await p.goto("/sign-up");
      await p.fill("#name", "Carol Example");
      await p.fill("#email", uniqueEmail("carol"));
      await p.fill("#password", STRONG_PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.waitForURL(/\/dashboard$/);
      await p.getByText("No tasks yet").waitFor();

      for (const title of ["Plan trip", "Book flights", "Pack bags"]) await board.add(title);
      // "My order" is the default: new tasks go to the end.
      await board.expectTitles(["Plan trip", "Book flights", "Pack bags"], { sorted: false });

      await p.getByRole("button", { name: 'Add a subtask to "Plan trip"' }).click();
      const subtaskTitle = p.getByLabel("New subtask of “Plan trip”");
      await subtaskTitle.fill("Choose dates");
      await subtaskTitle.press("Enter");
      await board.task("Choose dates").waitFor();
      await subtaskTitle.fill("Set budget");
      await subtaskTitle.press("Enter");
      await board.task("Set budget").waitFor();
      await checkAccessibility(p, "dashboard, adding a subtask");
      await p.getByRole("button", { name: "Done", exact: true }).click();
      expect(await board.task("Set budget").getAttribute("data-depth")).toBe("1");
      await expect.poll(() => board.task("Plan trip").textContent()).toContain("0/2 subtasks");

      await p.getByRole("button", { name: 'Indent "Book flights"' }).click();
      await expect.poll(() => board.task("Book flights").getAttribute("data-depth")).toBe("1");
      await board.expectTitles(["Plan trip", "Choose dates", "Set budget", "Book flights", "Pack bags"], {
        sorted: false,
      });

      // The keyboard's drag: Alt+↓ moves among siblings, Alt+← outdents; a live region says what happened.
      const status = p.getByRole("status").filter({ hasText: /moved|now/ });
      await p.getByRole("checkbox", { name: 'Mark "Set budget" as done' }).focus();
      await p.keyboard.press("Alt+ArrowDown");
      await board.expectTitles(["Plan trip", "Choose dates", "Book flights", "Set budget", "Pack bags"], {
        sorted: false,
      });
      expect(await status.textContent()).toContain("“Set budget” moved down, after “Book flights”.");
      // The moved row keeps the focus, so the next key moves it again.
      await p.keyboard.press("Alt+ArrowUp");
      await board.expectTitles(["Plan trip", "Choose dates", "Set budget", "Book flights", "Pack bags"], {
        sorted: false,
      });
      await p.getByRole("checkbox", { name: 'Mark "Book flights" as done' }).focus();
      await p.keyboard.press("Alt+ArrowLeft");
      await expect.poll(() => board.task("Book flights").getAttribute("data-depth")).toBe("0");
      await board.expectTitles(["Plan trip", "Choose dates", "Set budget", "Book flights", "Pack bags"], {
        sorted: false,
      });
      expect(await status.textContent()).toContain("“Book flights” is now at the top level, after “Plan trip”.");
      await p.keyboard.press("Alt+ArrowRight");
      await expect.poll(() => board.task("Book flights").getAttribute("data-depth")).toBe("1");
      await p.getByRole("button", { name: 'Outdent "Book flights"' }).click();
      await expect.poll(() => board.task("Book flights").getAttribute("data-depth")).toBe("0");

      const subtasksToggle = p.getByRole("button", { name: "2 subtasks of “Plan trip” done" });
      expect(await subtasksToggle.getAttribute("aria-expanded")).toBe("true");
      await subtasksToggle.click();
      await board.expectTitles(["Plan trip", "Book flights", "Pack bags"], { sorted: false });
      expect(await subtasksToggle.getAttribute("aria-expanded")).toBe("false");
      await subtasksToggle.click();
      await board.task("Choose dates").waitFor();

      // Completing the parent completes its subtasks (the API does it in one step).
      await p.getByRole("checkbox", { name: 'Mark "Plan trip" as done' }).click();
      await expect.poll(() => board.task("Set budget").getAttribute("data-completed")).toBe("true");
      await expect.poll(() => board.task("Plan trip").textContent()).toContain("2/2 subtasks");
      await p.getByRole("checkbox", { name: 'Mark "Plan trip" as not done' }).click();
      await expect.poll(() => board.task("Plan trip").getAttribute("data-completed")).toBe("false");
      // Drag and drop (dnd-kit, by the rows' handles): up above another row, then to the right to go under the row above.
      const row = (title: string) => board.task(title).locator("xpath=..");
      const drag = async (title: string, by: (from: Box, to: Box) => { x: number; y: number }, onto = title) => {
        const handle = await p.getByRole("button", { name: `Drag "${title}"` }).boundingBox();
        const from = await row(title).boundingBox();
        const to = await row(onto).boundingBox();
        if (!handle || !from || !to) throw new Error("a row is not on screen");
        const start = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
        const offset = by(from, to);
        await p.mouse.move(start.x, start.y);
        await p.mouse.down();
        await p.mouse.move(start.x + 4, start.y + 4, { steps: 2 });
        await p.mouse.move(start.x + offset.x, start.y + offset.y, { steps: 12 });
        await p.mouse.up();
      };
      const centreY = (b: Box) => b.y + b.height / 2;
      // Both rows on screen at once: the mouse drags within the viewport.
      await p.setViewportSize({ width: 1280, height: 1400 });
      await drag("Pack bags", (from, to) => ({ x: 0, y: centreY(to) - centreY(from) }), "Plan trip");
      await board.expectTitles(["Pack bags", "Plan trip", "Choose dates", "Set budget", "Book flights"], {
        sorted: false,
      });
      await drag("Book flights", () => ({ x: 80, y: 0 }));
      await expect.poll(() => board.task("Book flights").getAttribute("data-depth")).toBe("1");

      // Checked once settled: rows dim while they are saved or read again.
      await board.expectTitles(["Pack bags", "Plan trip", "Choose dates", "Set budget", "Book flights"], {
        sorted: false,
      });
      await expect.poll(() => p.locator('article.opacity-60, section[aria-busy="true"]').count()).toBe(0);
      await checkAccessibility(p, "dashboard with subtasks");
      await docScreenshot(p, "dashboard-subtasks");
      await p.emulateMedia({ colorScheme: "dark" });
      await p.setViewportSize({ width: 390, height: 844 });
      await checkAccessibility(p, "dashboard with subtasks (phone size, dark)");
    } finally {
      openPages.delete(p);
      await context.close();
    }
  });
});

describe("lists", () => {
  it("creates a list, adds to it, switches lists by the sidebar and the address, takes a task dropped on it, renames, recolours and deletes it; labels tasks and filters by label", async () => {
    const context = await newContext(browser, { baseURL: stack.webUrl });
    const p = await context.newPage();
    openPages.add(p);
    const board = new DashboardPage(p);
    const currentList = () => p.getByTestId("current-list").textContent();
    const sidebar = p.getByRole("navigation", { name: "Lists" });
    try {
      await p.goto("/sign-up");
      await p.fill("#name", "Dana Example");
      await p.fill("#email", uniqueEmail("dana"));
      await p.fill("#password", STRONG_PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.waitForURL(/\/dashboard$/);
      await p.getByText("No tasks yet").waitFor();
      expect(await currentList()).toBe("Inbox");
      await board.add("Inbox chore");

      await p.fill("#new-list-name", "Groceries");
      await board.choose("#new-list-color", "Green");
      await p.getByRole("button", { name: "Add list" }).click();
      await p.waitForURL(/\/dashboard\?list=[0-9a-f-]+$/);
      await expect.poll(currentList).toBe("Groceries");
      await p.getByText("No tasks yet").waitFor();
      await board.add("Apples");
      await board.add("Bread");
      const groceries = sidebar.getByRole("link", { name: /Groceries/ });
      await expect.poll(() => groceries.textContent()).toBe("Groceries2 open");
      expect(await groceries.getAttribute("aria-current")).toBe("page");
      await checkAccessibility(p, "dashboard with lists");

      await sidebar.getByRole("link", { name: /Inbox/ }).click();
      await p.waitForURL(/\/dashboard$/);
      await expect.poll(currentList).toBe("Inbox");
      await board.expectTitles(["Inbox chore"]);
      await groceries.click();
      await board.expectTitles(["Apples", "Bread"]);

      // A task dragged onto a list in the sidebar moves there.
      const handle = await p.getByRole("button", { name: 'Drag "Bread"' }).boundingBox();
      const inbox = await sidebar.getByRole("link", { name: /Inbox/ }).boundingBox();
      if (!handle || !inbox) throw new Error("the handle or the Inbox is not on screen");
      await p.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await p.mouse.down();
      await p.mouse.move(handle.x + 10, handle.y + 10, { steps: 2 });
      await p.mouse.move(inbox.x + inbox.width / 2, inbox.y + inbox.height / 2, { steps: 15 });
      await p.mouse.up();
      await board.expectTitles(["Apples"]);
      await expect.poll(() => groceries.textContent()).toBe("Groceries1 open");
      expect(await p.getByRole("status").filter({ hasText: "moved to the list" }).textContent()).toBe(
        "“Bread” moved to the list “Inbox”.",
      );

      await sidebar.getByRole("button", { name: 'Edit list "Groceries"' }).click();
      const edit = sidebar.getByRole("form", { name: "Edit list Groceries" });
      await edit.getByLabel("List name").fill("Food");
      await edit.getByRole("combobox", { name: "List colour" }).click();
      await p.getByRole("option", { name: "Blue", exact: true }).click();
      await edit.getByRole("button", { name: "Save" }).click();
      await sidebar.getByRole("link", { name: /Food/ }).waitFor();
      expect(await sidebar.getByRole("link", { name: /Food/ }).getAttribute("data-color")).toBe("blue");
      await p.reload();
      await expect.poll(currentList, { timeout: 15_000 }).toBe("Food");
      await board.expectTitles(["Apples"]);

      // On a phone, the lists are in a drawer.
      await p.setViewportSize({ width: 390, height: 844 });
      await p.emulateMedia({ colorScheme: "dark" });
      await p.getByRole("button", { name: "Lists" }).click();
      const drawer = p.getByRole("dialog", { name: "Lists" });
      await drawer.waitFor();
      await checkAccessibility(p, "dashboard, the lists drawer open (phone size, dark)");
      await drawer.getByRole("link", { name: /Inbox/ }).click();
      await drawer.waitFor({ state: "detached" });
      await expect.poll(currentList).toBe("Inbox");
      await p.setViewportSize({ width: 1280, height: 900 });
      await p.emulateMedia({ colorScheme: "light" });

      await sidebar.getByRole("button", { name: 'Delete list "Food"' }).click();
      await p.getByRole("alertdialog").getByRole("button", { name: "Keep it" }).click();
      await sidebar.getByRole("button", { name: 'Delete list "Food"' }).click();
      await p.getByRole("alertdialog").getByRole("button", { name: "Delete list" }).click();
      await sidebar.getByRole("link", { name: /Food/ }).waitFor({ state: "detached" });
      await board.expectTitles(["Bread", "Inbox chore"]);

      // Labels: made in the sidebar or in the editor, shown as chips, and a filter.
      await p.fill("#new-label-name", "Urgent");
      await p.getByRole("button", { name: "Add label" }).click();
      const urgent = sidebar.getByRole("link", { name: "Urgent" });
      await urgent.waitFor();
      await p.getByRole("button", { name: 'Edit "Inbox chore"' }).click();
      const editor = p.getByRole("form", { name: "Edit task Inbox chore" });
      await editor.getByLabel("Urgent").check();
      await editor.getByLabel("New label").fill("Home");
      await editor.getByRole("button", { name: "Create label" }).click();
      await expect.poll(() => editor.getByLabel("Home").isChecked()).toBe(true);
      await checkAccessibility(p, "dashboard, picking labels");
      await editor.getByRole("button", { name: "Save" }).click();
      await expect
        .poll(() => board.task("Inbox chore").getByTestId("label-chip").allTextContents())
        .toEqual(expect.arrayContaining(["Urgent", "Home"]));
      await board.add("Other chore");

      await urgent.click();
      await p.waitForURL(/label=/);
      await board.expectTitles(["Inbox chore"]);
      await board.add("Tagged while filtered");
      await board.expectTitles(["Inbox chore", "Tagged while filtered"]);
      expect(await urgent.getAttribute("aria-current")).toBe("true");
      await checkAccessibility(p, "dashboard with labels, filtered by one");
      await urgent.click();
      await p.waitForURL(/\/dashboard$/);
      await board.expectTitles(["Bread", "Inbox chore", "Other chore", "Tagged while filtered"]);
    } finally {
      openPages.delete(p);
      await context.close();
    }
  });
});

describe("ordering lists and editing labels", () => {
  it("reorders lists by keyboard (announced) and by drag, keeps the order after a reload, and puts it back when the API refuses", async () => {
    const context = await newContext(browser, { baseURL: stack.webUrl });
    const p = await context.newPage();
    openPages.add(p);
    const sidebar = p.getByRole("navigation", { name: "Lists" });
    const order = () => sidebar.getByTestId("list-rows").locator("a span.truncate").allTextContents();
    const announced = () => sidebar.getByTestId("list-announcement").textContent();
    try {
      await p.goto("/sign-up");
      await p.fill("#name", "Erin Example");
      await p.fill("#email", uniqueEmail("erin"));
      await p.fill("#password", STRONG_PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.waitForURL(/\/dashboard$/);
      for (const name of ["Alpha", "Beta", "Gamma"]) {
        await p.fill("#new-list-name", name);
        await p.getByRole("button", { name: "Add list" }).click();
        await sidebar.getByRole("link", { name: new RegExp(name) }).waitFor();
      }
      await expect.poll(order).toEqual(["Inbox", "Alpha", "Beta", "Gamma"]);

      // From the keyboard: Alt+↑/↓ on a focused list, said in a live region; the Inbox stays first.
      await sidebar.getByRole("link", { name: /Gamma/ }).focus();
      await p.keyboard.press("Alt+ArrowUp");
      await expect.poll(order).toEqual(["Inbox", "Alpha", "Gamma", "Beta"]);
      await expect.poll(announced).toBe("“Gamma” moved before “Beta”.");
      await sidebar.getByRole("link", { name: /Gamma/ }).focus();
      await p.keyboard.press("Alt+ArrowUp");
      await expect.poll(order).toEqual(["Inbox", "Gamma", "Alpha", "Beta"]);
      await expect.poll(announced).toBe("“Gamma” moved before “Alpha”.");
      await sidebar.getByRole("link", { name: /Gamma/ }).focus();
      await p.keyboard.press("Alt+ArrowUp");
      await expect.poll(announced).toBe("“Gamma” is already the first list.");
      expect(await order()).toEqual(["Inbox", "Gamma", "Alpha", "Beta"]);
      await checkAccessibility(p, "dashboard, lists reordered from the keyboard");

      // By the pointer: Beta dropped on Gamma takes its place.
      const beta = await sidebar.getByRole("link", { name: /Beta/ }).boundingBox();
      const gamma = await sidebar.getByRole("link", { name: /Gamma/ }).boundingBox();
      if (!beta || !gamma) throw new Error("the lists are not on screen");
      await p.mouse.move(beta.x + beta.width / 2, beta.y + beta.height / 2);
      await p.mouse.down();
      await p.mouse.move(beta.x + beta.width / 2, beta.y + beta.height / 2 - 10, { steps: 2 });
      await p.mouse.move(gamma.x + gamma.width / 2, gamma.y + gamma.height / 2, { steps: 15 });
      await p.mouse.up();
      await expect.poll(order).toEqual(["Inbox", "Beta", "Gamma", "Alpha"]);
      await expect.poll(announced).toBe("“Beta” moved before “Gamma”.");

      await p.reload();
      await expect.poll(order, { timeout: 15_000 }).toEqual(["Inbox", "Beta", "Gamma", "Alpha"]);

      // A refused move shows, then goes back, with a toast.
      await p.route("**/lists/*/move", (route) =>
        route.fulfill({
          status: 409,
          contentType: "application/problem+json",
          body: JSON.stringify({ type: "about:blank", title: "Conflict", status: 409, detail: "Not now." }),
        }),
      );
      await sidebar.getByRole("link", { name: /Beta/ }).focus();
      await p.keyboard.press("Alt+ArrowDown");
      await p.getByText("Could not move the list").waitFor();
      await expect.poll(order).toEqual(["Inbox", "Beta", "Gamma", "Alpha"]);
      await expect.poll(announced).toBe("“Beta” could not be moved.");
      await p.unroute("**/lists/*/move");
    } finally {
      openPages.delete(p);
      await context.close();
    }
  });

  it("renames, recolours and deletes a label after a confirmation; its tasks lose the chip", async () => {
    const context = await newContext(browser, { baseURL: stack.webUrl });
    const p = await context.newPage();
    openPages.add(p);
    const board = new DashboardPage(p);
    const sidebar = p.getByRole("navigation", { name: "Lists" });
    const chips = () => board.task("Report").getByTestId("label-chip").allTextContents();
    try {
      await p.goto("/sign-up");
      await p.fill("#name", "Finn Example");
      await p.fill("#email", uniqueEmail("finn"));
      await p.fill("#password", STRONG_PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.waitForURL(/\/dashboard$/);
      await p.getByText("No tasks yet").waitFor();
      await board.add("Report");
      await p.fill("#new-label-name", "Work");
      await p.getByRole("button", { name: "Add label" }).click();
      await sidebar.getByRole("link", { name: "Work" }).waitFor();
      await p.getByRole("button", { name: 'Edit "Report"' }).click();
      const editor = p.getByRole("form", { name: "Edit task Report" });
      await editor.getByLabel("Work").check();
      await editor.getByRole("button", { name: "Save" }).click();
      await expect.poll(chips).toEqual(["Work"]);

      await sidebar.getByRole("button", { name: 'Edit label "Work"' }).click();
      const edit = sidebar.getByRole("form", { name: "Edit label Work" });
      await edit.getByLabel("Label name").fill("Office");
      await edit.getByRole("combobox", { name: "Label colour" }).click();
      await p.getByRole("option", { name: "Violet", exact: true }).click();
      await checkAccessibility(p, "dashboard, editing a label");
      await edit.getByRole("button", { name: "Save" }).click();
      const office = sidebar.getByRole("link", { name: "Office" });
      await office.waitFor();
      expect(await office.getAttribute("data-color")).toBe("violet");
      await expect.poll(chips).toEqual(["Office"]);

      await sidebar.getByRole("button", { name: 'Delete label "Office"' }).click();
      await p.getByRole("alertdialog").getByRole("button", { name: "Keep it" }).click();
      expect(await office.isVisible()).toBe(true);
      await sidebar.getByRole("button", { name: 'Delete label "Office"' }).click();
      await checkAccessibility(p, "dashboard, confirming a label's deletion");
      await p.getByRole("alertdialog").getByRole("button", { name: "Delete label" }).click();
      await office.waitFor({ state: "detached" });
      await expect.poll(chips).toEqual([]);
      await p.reload();
      await board.expectTitles(["Report"]);
      expect(await chips()).toEqual([]);
      await sidebar.getByText("No labels yet.").waitFor();
    } finally {
      openPages.delete(p);
      await context.close();
    }
  });
});

describe("settings", () => {
  it("changes the password, refusing a weak one", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/settings$/);
    await page.fill("#current-password", alice.password);
    await page.fill("#new-password", "nosymbol1A");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").filter({ hasText: "Password needs a symbol." }).waitFor();

    const newPassword = "N3w-and-Better!";
    await page.fill("#new-password", newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your password has been changed.").waitFor();
    alice.password = newPassword;
    await docScreenshot(page, "settings");
    await checkAccessibility(page, "settings");
  });

  it("signs out from the navigation bar, and back in with the new password", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto("/dashboard");
    await page.waitForURL(/\/sign-in\?next=%2Fdashboard$/);
    await page.fill("#email", alice.email);
    await page.fill("#password", STRONG_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "That email and password do not match." }).waitFor();
    await page.fill("#password", alice.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    await dashboard.expectTitles(["Buy oat milk", "Report (renamed elsewhere)"]);
  });

  it("deletes the account, and its tasks with it", async () => {
    const count = async () =>
      Number(
        (await stack.db.query<{ n: string }>("SELECT count(*) AS n FROM tasks WHERE user_id = $1", [aliceId])).rows[0]!
          .n,
      );
    expect(await count()).toBe(2);

    await page.goto("/settings");
    await page.getByRole("button", { name: "Delete my account" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByLabel("Password").fill("not-my-Passw0rd!");
    await dialog.getByRole("button", { name: "Delete account and tasks" }).click();
    await dialog.getByRole("alert").filter({ hasText: "That password is not correct." }).waitFor();
    await checkAccessibility(page, "settings, the account deletion dialog");
    await dialog.getByLabel("Password").fill(alice.password);
    await dialog.getByRole("button", { name: "Delete account and tasks" }).click();

    await page.waitForURL(/\/\?deleted=1$/);
    await page.getByText("Your account and all of its tasks have been deleted.").waitFor();
    expect(await count()).toBe(0);
    const users = await stack.db.query(`SELECT 1 FROM "user" WHERE id = $1`, [aliceId]);
    expect(users.rowCount).toBe(0);

    await page.goto("/dashboard");
    await page.waitForURL(/\/sign-in/);
  });
});

describe("accessibility (axe-core)", () => {
  it("found no serious or critical violation on any page of the whole day above", () => {
    expect(accessibilityFindings).toEqual([]);
  });
});

describe("the Content-Security-Policy", () => {
  it("refused nothing on any page of the whole day above", () => {
    expect(policyViolations).toEqual([]);
  });
});
