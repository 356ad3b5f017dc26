/**
 * Issue 11's quick add and keyboard shortcuts in Chromium, against the
 * production web app and the real API: a line in plain words becomes a task
 * with its list, a label created on the way, a priority, a repeat rule and a
 * due date (checked through the API); a word kept as text stays in the title;
 * a failure leaves the line to try again; and every shortcut in the `?`
 * dialog does its thing, none of them while typing in a field.
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { signUp, type SignedUpUser } from "../support/auth-http";
import { startStack, type Stack } from "../support/stack";
import { describeDue } from "../../lib/quick-add/preview";
import { addDays, startOfDay, todayIn, zonedInstant } from "../../lib/zoned-date";
import { accessibilityFindings, checkAccessibility } from "./accessibility";
import { docScreenshot, launchBrowser, newContext, policyViolations, screenshotOnFailure } from "./browser";
import { DashboardPage } from "./dashboard-page";

const ZONE = "Europe/Berlin";

let stack: Stack;
let browser: Browser;
let kim: SignedUpUser;
let context: BrowserContext;
let page: Page;
let board: DashboardPage;

interface ApiTask {
  id: string;
  title: string;
  completed: boolean;
  list_id: string;
  labels: string[];
  priority: string;
  due_at: string | null;
  due_all_day: boolean;
  recurrence: string | null;
  recurrence_basis: string;
}

const path = (rest: string) => `/api/${kim.id}${rest}`;
const today = () => todayIn(ZONE);
const allDay = (offset: number) => startOfDay(addDays(today(), offset), ZONE).toISOString();
const iso = (value: string | null) => value && new Date(value).toISOString();

async function getTask(id: string): Promise<ApiTask | null> {
  const { status, body } = await board.api(path(`/tasks/${id}`));
  if (status === 404) return null;
  expect(status).toBe(200);
  const task = body as ApiTask;
  return { ...task, due_at: iso(task.due_at) };
}

/** The user's task with this title (created by the app, so its id is not known yet). */
async function taskTitled(title: string): Promise<ApiTask | undefined> {
  const { status, body } = await board.api(path(`/tasks?q=${encodeURIComponent(title)}&limit=100`));
  expect(status).toBe(200);
  const found = (body as ApiTask[]).find((t) => t.title === title);
  return found && { ...found, due_at: iso(found.due_at) };
}

async function create(title: string, body: Record<string, unknown> = {}): Promise<string> {
  return board.apiCreate(path("/tasks"), { title, ...body });
}

const quickAdd = () => page.getByRole("dialog", { name: "Quick add" });
const quickAddInput = () => page.locator("#quick-add-input");
const preview = () => page.locator("#quick-add-preview");
const toast = (text: string | RegExp) => page.locator("[data-sonner-toast]").filter({ hasText: text });
const rows = () => page.locator("[data-task-id]");
const rowTitles = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
const selected = () =>
  page
    .locator('[data-task-id][data-selected="true"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
const focusedRow = () =>
  page.evaluate(() => document.activeElement?.closest("[data-task-id]")?.getAttribute("aria-label") ?? null);
const activeId = () => page.evaluate(() => document.activeElement?.id ?? "");

/** No field focused: keys go to the page. */
async function unfocus(): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function settled(): Promise<void> {
  await expect.poll(() => page.locator('section[aria-label="Tasks"]').getAttribute("aria-busy")).toBe("false");
}

/** Moves the selection with j / k to the row with this title, checking each step lands where it should. */
async function select(title: string): Promise<void> {
  const titles = await rowTitles();
  const target = titles.indexOf(title);
  expect(target, `${title} among ${titles.join(", ")}`).toBeGreaterThanOrEqual(0);
  const [current] = await selected();
  let at = current ? titles.indexOf(current) : -1;
  if (at === target) return;
  if (at < 0) {
    // None selected (j takes the first row), or the selected one is gone (j takes the one in its place).
    await page.keyboard.press("j");
    await expect.poll(async () => (await selected()).length).toBe(1);
    at = titles.indexOf((await selected())[0]!);
  }
  while (at !== target) {
    await page.keyboard.press(at < target ? "j" : "k");
    at += at < target ? 1 : -1;
    await expect.poll(selected).toEqual([titles[at]]);
  }
  expect(await focusedRow()).toBe(title);
}

async function openList(id: string, name: string): Promise<void> {
  await page.goto(`/dashboard?list=${id}`);
  await expect.poll(() => page.getByTestId("current-list").textContent()).toBe(name);
  await settled();
}

/** Nothing a shortcut would have done happened: no dialog opened, no page left, nothing deleted. */
async function expectNoShortcutFired(url: string): Promise<void> {
  expect(page.url()).toBe(url);
  expect(await page.getByRole("alertdialog").count()).toBe(0);
  expect(await page.getByRole("dialog", { name: "Keyboard shortcuts" }).count()).toBe(0);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  kim = await signUp(stack.webUrl, "kim");
  context = await newContext(browser, { baseURL: stack.webUrl, timezoneId: ZONE });
  await context.addCookies(
    kim.cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: stack.webUrl };
    }),
  );
  page = await context.newPage();
  await page.goto("/dashboard");
  await page.getByRole("heading", { name: "Your tasks" }).waitFor();
  board = new DashboardPage(page);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

beforeEach(({ onTestFailed, task }) => {
  onTestFailed(async () => {
    await screenshotOnFailure([page].filter(Boolean), task.name);
    process.stderr.write(`\n${policyViolations.join("\n")}\n${stack?.logs().slice(-6000) ?? ""}\n`);
  });
});

describe("quick add", () => {
  it("reads dates in the user's zone: the browser's, adopted on the first visit", async () => {
    await expect
      .poll(async () => ((await board.api(path("/preferences"))).body as { time_zone?: string } | null)?.time_zone, {
        timeout: 15_000,
      })
      .toBe(ZONE);
  });

  it("reads a repeating task with its list, a new label and a priority, and creates them all", async () => {
    const home = await board.apiCreate(path("/lists"), { name: "Home" });
    await page.reload();
    await page.getByRole("heading", { name: "Your tasks" }).waitFor();
    await settled();
    const url = page.url();

    await unfocus();
    await page.keyboard.press("q");
    await quickAdd().waitFor();
    expect(await activeId()).toBe("quick-add-input");
    // Typed key by key: its letters and "#" are shortcuts outside the field, none of them fires here.
    const line = "Pay rent every month on the 1st #Home @bills p1";
    await page.keyboard.type(line);
    expect(await quickAddInput().inputValue()).toBe(line);
    await expectNoShortcutFired(url);

    // The recognised parts, highlighted, and the preview of what Enter creates.
    const parts = page.getByRole("group", { name: "Recognised parts" }).locator("[data-token-kind]");
    await expect
      .poll(() => parts.evaluateAll((els) => els.map((e) => [e.getAttribute("data-token-kind"), e.textContent])))
      .toEqual([
        ["recurrence", "every month on the 1st"],
        ["list", "#Home"],
        ["label", "@bills"],
        ["priority", "p1"],
      ]);
    const [year, month] = today().split("-").map(Number) as [number, number];
    const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
    const day = today().endsWith("-01") ? today() : nextMonth;
    const due = zonedInstant(day, ZONE);
    const locale = await page.evaluate(() => navigator.language);
    const said = await preview().textContent();
    expect(said).toContain("Pay rent");
    expect(said).toContain(describeDue({ at: due, allDay: true }, { now: new Date(), locale, timeZone: ZONE }));
    expect(said).toContain("Every month on the 1st");
    expect(said).toContain("#Home");
    expect(said).toContain("@bills");
    expect(said).toContain("new label");
    await docScreenshot(page, "quick-add");
    expect(said).toContain("High priority");
    await checkAccessibility(page, "Quick add with a line read");

    await page.keyboard.press("Enter");
    await quickAdd().waitFor({ state: "detached" });
    await toast("Added “Pay rent”").waitFor();

    const labels = (await board.api(path("/labels"))).body as { id: string; name: string }[];
    const bills = labels.find((l) => l.name === "bills");
    expect(bills, "the new label was created").toBeDefined();
    const task = await taskTitled("Pay rent");
    expect(task).toMatchObject({
      list_id: home,
      labels: [bills!.id],
      priority: "high",
      recurrence: "FREQ=MONTHLY;BYMONTHDAY=1",
      recurrence_basis: "due",
      due_all_day: true,
      due_at: due.toISOString(),
      completed: false,
    });
  });

  it("keeps a title with a number as typed, and a part kept as text in the title", async () => {
    await unfocus();
    await page.keyboard.press("q");
    await quickAdd().waitFor();
    await page.keyboard.type("Read 1984");
    // "1984" is no date: nothing is highlighted, the title is the line.
    expect(await page.getByRole("group", { name: "Recognised parts" }).count()).toBe(0);
    expect(await preview().textContent()).toBe("Read 1984");
    await page.keyboard.press("Enter");
    await quickAdd().waitFor({ state: "detached" });
    await toast("Added “Read 1984”").waitFor();
    await expect.poll(async () => (await taskTitled("Read 1984"))?.due_at ?? "no date").toBe("no date");

    // A word read as a date against the user's wish: Escape right after it keeps it as text.
    await page.keyboard.press("q");
    await quickAdd().waitFor();
    await page.keyboard.type("Watch Friday Night");
    const date = page.locator('[data-token-kind="date"]');
    await date.waitFor();
    expect(await date.textContent()).toBe("Friday Night");
    expect(await preview().textContent()).not.toContain("Watch Friday Night");
    await page.keyboard.press("Escape");
    await date.waitFor({ state: "detached" });
    // The dialog stays open, and the words stay text as the line goes on.
    expect(await quickAdd().isVisible()).toBe(true);
    await page.keyboard.type(" Lights");
    expect(await preview().textContent()).toBe("Watch Friday Night Lights");
    expect(await date.count()).toBe(0);
    await page.keyboard.press("Enter");
    await quickAdd().waitFor({ state: "detached" });
    await expect.poll(async () => (await taskTitled("Watch Friday Night Lights"))?.due_at).toBeNull();
  });

  it("says why when the API refuses the task, and keeps the line to try again", async () => {
    const refuse = "**/api/*/tasks";
    await page.route(refuse, (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 422,
            contentType: "application/problem+json",
            body: JSON.stringify({
              type: "about:blank",
              title: "Unprocessable Entity",
              status: 422,
              detail: "The task is not valid.",
              errors: [{ field: "title", message: "The title is refused for this test." }],
            }),
          })
        : route.continue(),
    );
    try {
      await unfocus();
      await page.keyboard.press("q");
      await quickAdd().waitFor();
      await page.keyboard.type("Buy stamps tomorrow");
      await page.keyboard.press("Enter");
      await toast("The title is refused for this test.").waitFor();
      expect(await quickAdd().isVisible()).toBe(true);
      expect(await quickAddInput().inputValue()).toBe("Buy stamps tomorrow");
    } finally {
      await page.unroute(refuse);
    }
    await page.keyboard.press("Enter");
    await quickAdd().waitFor({ state: "detached" });
    await toast("Added “Buy stamps”").waitFor();
    await expect.poll(async () => (await taskTitled("Buy stamps"))?.due_at).toBe(allDay(1));
  });

  it("is there on every signed-in page: the Quick add button in the top bar, and q", async () => {
    await page.goto("/settings");
    await page.getByRole("button", { name: "Quick add" }).click();
    await quickAdd().waitFor();
    await page.keyboard.type("Renew the passport today p2");
    await page.keyboard.press("Enter");
    await quickAdd().waitFor({ state: "detached" });
    await toast("Added “Renew the passport”").waitFor();
    expect(await taskTitled("Renew the passport")).toMatchObject({
      priority: "medium",
      due_at: allDay(0),
      due_all_day: true,
    });
    await unfocus();
    await page.keyboard.press("q");
    await quickAdd().waitFor();
    await page.keyboard.press("Escape");
    await quickAdd().waitFor({ state: "detached" });
  });
});

describe("on a phone", () => {
  it("the top bar keeps the Quick add button in view, with nothing pushed off the screen", async () => {
    const phone = await newContext(browser, { baseURL: stack.webUrl, timezoneId: ZONE, phone: true, dark: true });
    try {
      await phone.addCookies(
        kim.cookie.split("; ").map((pair) => {
          const at = pair.indexOf("=");
          return { name: pair.slice(0, at), value: pair.slice(at + 1), url: stack.webUrl };
        }),
      );
      const p = await phone.newPage();
      await p.goto("/dashboard");
      await p.getByRole("heading", { name: "Your tasks" }).waitFor();
      const button = p.getByRole("button", { name: "Quick add" });
      const box = await button.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await button.click();
      await p.getByRole("dialog", { name: "Quick add" }).waitFor();
      await checkAccessibility(p, "Quick add on a phone, dark");
    } finally {
      await phone.close();
    }
  });
});

describe("keyboard shortcuts", () => {
  let chores = "";
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    chores = await board.apiCreate(path("/lists"), { name: "Chores" });
    const tasks: [string, Record<string, unknown>][] = [
      ["Plain task", {}],
      ["Timed task", { due_at: zonedInstant(today(), ZONE, "15:30").toISOString() }],
      ["Finish the report", {}],
      ["Water the plants", { due_at: allDay(0), due_all_day: true, recurrence: "FREQ=DAILY" }],
      ["Throw away", {}],
    ];
    for (let i = 1; i <= 8; i++) tasks.push([`Filler ${i}`, {}]);
    for (const [title, body] of tasks) ids[title] = await create(title, { list_id: chores, ...body });
  });

  it("j and k move a highlighted, focused selection through the rows, scrolled into view", async () => {
    await openList(chores, "Chores");
    await expect.poll(() => rows().count()).toBe(13);
    const titles = await rowTitles();
    await unfocus();
    await page.keyboard.press("j");
    await expect.poll(selected).toEqual([titles[0]]);
    expect(await focusedRow()).toBe(titles[0]);
    await page.keyboard.press("j");
    await expect.poll(selected).toEqual([titles[1]]);
    await page.keyboard.press("k");
    await expect.poll(selected).toEqual([titles[0]]);
    await page.keyboard.press("k");
    await expect.poll(selected).toEqual([titles[0]]);
    // The highlight shows: the selected row is drawn differently from the others.
    const ring = (row: Locator) => row.evaluate((e) => getComputedStyle(e).boxShadow);
    expect(await ring(board.task(titles[0]!))).not.toBe(await ring(board.task(titles[1]!)));

    // The last row is below the fold; selecting it brings it into view.
    const last = titles[titles.length - 1]!;
    const inView = () =>
      board.task(last).evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      });
    expect(await inView()).toBe(false);
    await select(last);
    await expect.poll(inView).toBe(true);
    await checkAccessibility(page, "Dashboard with a task selected");
  });

  it("Enter opens the selected task's editor and e edits it; Esc closes the editor", async () => {
    await select("Plain task");
    await page.keyboard.press("Enter");
    const form = page.getByRole("form", { name: "Edit task Plain task" });
    await form.waitFor();
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "detached" });
    await board.task("Plain task").waitFor();
    await unfocus();
    await page.keyboard.press("e");
    await form.waitFor();
    expect(await activeId()).toBe(`edit-${ids["Plain task"]}-title`);
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "detached" });
  });

  it("t makes the selected task due today (all day without a time), T tomorrow (keeping its time)", async () => {
    await select("Plain task");
    await page.keyboard.press("t");
    await expect
      .poll(async () => {
        const task = await getTask(ids["Plain task"]!);
        return [task?.due_at, task?.due_all_day];
      })
      .toEqual([allDay(0), true]);
    await board.task("Plain task").getByTestId("due").waitFor();

    await select("Timed task");
    await page.keyboard.press("Shift+T");
    await expect
      .poll(async () => {
        const task = await getTask(ids["Timed task"]!);
        return [task?.due_at, task?.due_all_day];
      })
      .toEqual([zonedInstant(addDays(today(), 1), ZONE, "15:30").toISOString(), false]);

    // T on an all-day task keeps it all day.
    await select("Plain task");
    await page.keyboard.press("Shift+T");
    await expect
      .poll(async () => {
        const task = await getTask(ids["Plain task"]!);
        return [task?.due_at, task?.due_all_day];
      })
      .toEqual([allDay(1), true]);
  });

  it("x completes the selected task as its checkbox does, a repeating one moving to its next date", async () => {
    await select("Finish the report");
    await page.keyboard.press("x");
    await expect.poll(async () => (await getTask(ids["Finish the report"]!))?.completed).toBe(true);
    await expect.poll(() => board.task("Finish the report").getAttribute("data-completed")).toBe("true");

    await select("Water the plants");
    await page.keyboard.press("x");
    await toast("Next: Tomorrow").waitFor();
    await expect.poll(async () => (await getTask(ids["Water the plants"]!))?.due_at).toBe(allDay(1));
    expect((await getTask(ids["Water the plants"]!))?.completed).toBe(false);
  });

  it("# and Delete open the task's delete confirmation; Esc keeps the task, confirming deletes it", async () => {
    await select("Throw away");
    const confirm = page.getByRole("alertdialog", { name: "Delete this task?" });
    await page.keyboard.press("#");
    await confirm.waitFor();
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    expect(await getTask(ids["Throw away"]!)).not.toBeNull();

    await unfocus();
    await page.keyboard.press("Delete");
    await confirm.waitFor();
    await confirm.getByRole("button", { name: "Delete task" }).click();
    await board.task("Throw away").waitFor({ state: "detached" });
    await expect.poll(() => getTask(ids["Throw away"]!)).toBeNull();
  });

  it("/ focuses the search field, where no key is a shortcut; Esc leaves it", async () => {
    await select("Filler 1");
    const url = page.url();
    await page.keyboard.press("/");
    await expect.poll(activeId).toBe("task-search");
    await page.keyboard.type("gi jk x#? e t");
    expect(await page.locator("#task-search").inputValue()).toBe("gi jk x#? e t");
    await expectNoShortcutFired(url);
    expect(await quickAdd().count()).toBe(0);
    expect(await getTask(ids["Filler 1"]!)).toMatchObject({ completed: false, due_at: null });
    await page.keyboard.press("Escape");
    await expect.poll(activeId).not.toBe("task-search");
    await page.locator("#task-search").fill("");
    await expect.poll(() => rows().count()).toBe(12);
  });

  it("g i, g t and g u go to the Inbox, Today and Upcoming", async () => {
    await unfocus();
    await page.keyboard.press("g");
    await page.keyboard.press("t");
    await page.waitForURL(/\/dashboard\?view=today$/);
    await expect.poll(() => page.getByTestId("current-list").textContent()).toBe("Today");
    await settled();
    // Today's tasks are rows too: j selects the first.
    await page.keyboard.press("j");
    await expect.poll(async () => (await selected()).length).toBe(1);

    await unfocus();
    await page.keyboard.press("g");
    await page.keyboard.press("u");
    await page.waitForURL(/\/dashboard\?view=upcoming$/);
    await expect.poll(() => page.getByTestId("current-list").textContent()).toBe("Upcoming");

    await unfocus();
    await page.keyboard.press("g");
    await page.keyboard.press("i");
    await page.waitForURL(/\/dashboard$/);
    await expect.poll(() => page.getByTestId("current-list").textContent()).toBe("Inbox");
  });

  it("? lists the shortcuts, q opens quick add, and Esc closes each", async () => {
    await unfocus();
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    const listed = await help.locator("dt").allTextContents();
    for (const words of ["Quick add a task", "Select the next task", "Delete the selected task", "Go to Upcoming"]) {
      expect(listed).toContain(words);
    }
    await checkAccessibility(page, "Keyboard shortcuts dialog");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });

    await page.keyboard.press("q");
    await quickAdd().waitFor();
    // In the quick-add field, ? and q are text.
    await page.keyboard.type("?q");
    expect(await help.count()).toBe(0);
    expect(await quickAddInput().inputValue()).toBe("?q");
    await quickAddInput().fill("");
    await page.keyboard.press("Escape");
    await quickAdd().waitFor({ state: "detached" });
  });

  it("found no serious accessibility problems and no policy violations", () => {
    expect(accessibilityFindings).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
