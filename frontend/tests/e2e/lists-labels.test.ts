/**
 * Lists and labels in a real browser (issue 9): the phone's drawer offers
 * what the desktop sidebar does, several labels filter at once (and stay in
 * the address), and list and label edits carry the version the user saw
 * (If-Match), so a change made elsewhere first is a 412 the page explains.
 * Each test is its own person, so any one runs alone (`-t`).
 */
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { STRONG_PASSWORD, uniqueEmail } from "../support/auth-http";
import { startStack, type Stack } from "../support/stack";
import { accessibilityFindings, checkAccessibility } from "./accessibility";
import { docScreenshot, launchBrowser, newContext, policyViolations, screenshotOnFailure } from "./browser";
import { DashboardPage } from "./dashboard-page";

let stack: Stack;
let browser: Browser;
const openPages = new Set<Page>();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
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

/** A fresh person on their dashboard, in a context of their own. */
async function person(
  name: string,
  look: { phone?: boolean; dark?: boolean } = {},
): Promise<{ context: BrowserContext; p: Page; board: DashboardPage; userId: string }> {
  const context = await newContext(browser, { baseURL: stack.webUrl, ...look });
  const p = await context.newPage();
  openPages.add(p);
  const board = new DashboardPage(p);
  const userId = await board.signUp(`${name} Example`, uniqueEmail(name.toLowerCase()), STRONG_PASSWORD);
  return { context, p, board, userId };
}

async function close(context: BrowserContext, p: Page) {
  openPages.delete(p);
  await context.close();
}

/** Drags with the mouse from the middle of one box to the middle of another, in small steps. */
async function drag(p: Page, from: { x: number; y: number; width: number; height: number }, to: typeof from) {
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  await p.mouse.move(start.x, start.y);
  await p.mouse.down();
  await p.mouse.move(start.x, start.y - 10, { steps: 2 });
  await p.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
  await p.mouse.up();
}

describe("the phone's drawer", () => {
  it("reorders lists by drag and by Alt+↑/↓ (announced), and renames, recolours and deletes labels", async () => {
    const { context, p, board, userId } = await person("Gina", { phone: true, dark: true });
    try {
      for (const name of ["Alpha", "Beta", "Gamma"]) await board.apiCreate(`/api/${userId}/lists`, { name });
      for (const name of ["Work", "Home"]) await board.apiCreate(`/api/${userId}/labels`, { name });
      await p.reload();

      await p.getByRole("button", { name: "Lists" }).click();
      const drawer = p.getByRole("dialog", { name: "Lists" });
      await drawer.waitFor();
      const order = () => drawer.getByTestId("list-rows").locator("a span.truncate").allTextContents();
      const announced = () => drawer.getByTestId("list-announcement").textContent();
      await expect.poll(order).toEqual(["Inbox", "Alpha", "Beta", "Gamma"]);

      // The keyboard: Alt+↑ on a focused list, said in the drawer's live region.
      await drawer.getByRole("link", { name: /Gamma/ }).focus();
      await p.keyboard.press("Alt+ArrowUp");
      await expect.poll(order).toEqual(["Inbox", "Alpha", "Gamma", "Beta"]);
      await expect.poll(announced).toBe("“Gamma” moved before “Beta”.");
      await drawer.getByRole("link", { name: /Alpha/ }).focus();
      await p.keyboard.press("Alt+ArrowUp");
      await expect.poll(announced).toBe("“Alpha” is already the first list.");

      // The pointer: Beta's grip dropped on Alpha takes its place.
      const grip = await drawer.getByRole("link", { name: /Beta/ }).getByTestId("list-grip").boundingBox();
      const alpha = await drawer.getByRole("link", { name: /Alpha/ }).boundingBox();
      if (!grip || !alpha) throw new Error("the lists are not on screen");
      await drag(p, grip, alpha);
      await expect.poll(order).toEqual(["Inbox", "Beta", "Alpha", "Gamma"]);
      await expect.poll(announced).toBe("“Beta” moved before “Alpha”.");
      // The release was the drop: the drawer stays open, on the same list (no page load followed the link).
      expect(await drawer.isVisible()).toBe(true);
      expect(p.url()).toMatch(/\/dashboard$/);
      await checkAccessibility(p, "the lists drawer, lists reordered (phone, dark)");

      // Labels: renamed and recoloured in the drawer.
      await drawer.getByRole("button", { name: 'Edit label "Work"' }).click();
      const edit = drawer.getByRole("form", { name: "Edit label Work" });
      await edit.getByLabel("Label name").fill("Office");
      await edit.getByRole("combobox", { name: "Label colour" }).click();
      await p.getByRole("option", { name: "Violet", exact: true }).click();
      await checkAccessibility(p, "the lists drawer, editing a label (phone, dark)");
      await edit.getByRole("button", { name: "Save" }).click();
      const office = drawer.getByRole("link", { name: "Office" });
      await office.waitFor();
      expect(await office.getAttribute("data-color")).toBe("violet");

      // …and deleted after a confirmation.
      await drawer.getByRole("button", { name: 'Delete label "Home"' }).click();
      const confirm = p.getByRole("alertdialog");
      await confirm.getByText("“Home” will be taken off every task that has it").waitFor();
      await checkAccessibility(p, "the lists drawer, confirming a label's deletion (phone, dark)");
      await confirm.getByRole("button", { name: "Delete label" }).click();
      await drawer.getByRole("link", { name: "Home" }).waitFor({ state: "detached" });
      await p.getByText("Label deleted").waitFor();

      // All of it was saved.
      await p.reload();
      await p.getByRole("button", { name: "Lists" }).click();
      await drawer.waitFor();
      await expect.poll(order).toEqual(["Inbox", "Beta", "Alpha", "Gamma"]);
      await expect
        .poll(() => drawer.getByRole("region", { name: "Labels" }).getByRole("link").allTextContents())
        .toEqual(["Office"]);
    } finally {
      await close(context, p);
    }
  });
});

describe("filtering by labels", () => {
  it("narrows to the tasks carrying every chosen label, keeps them in the address across a reload, and clears", async () => {
    const { context, p, board, userId } = await person("Hugo");
    try {
      const work = await board.apiCreate(`/api/${userId}/labels`, { name: "Work", color: "blue" });
      const urgent = await board.apiCreate(`/api/${userId}/labels`, { name: "Urgent", color: "red" });
      const home = await board.apiCreate(`/api/${userId}/labels`, { name: "Home", color: "green" });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Report", labels: [work, urgent] });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Slides", labels: [work] });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Call plumber", labels: [home, urgent] });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Read", labels: [] });
      await p.reload();
      await board.expectTitles(["Report", "Slides", "Call plumber", "Read"]);

      const filters = p.getByRole("region", { name: "Filter and sort tasks" });
      const toggle = (name: string) => filters.getByRole("button", { name, exact: true });
      const labelsInAddress = () => new URL(p.url()).searchParams.getAll("label").sort();

      await toggle("Work").click();
      await board.expectTitles(["Report", "Slides"]);
      expect(labelsInAddress()).toEqual([work]);
      await toggle("Urgent").click();
      await board.expectTitles(["Report"]);
      expect(labelsInAddress()).toEqual([work, urgent].sort());
      expect(await toggle("Work").getAttribute("aria-pressed")).toBe("true");
      await checkAccessibility(p, "dashboard, filtered by two labels");

      // A task added now carries both, so it shows here.
      await board.add("Draft");
      await board.expectTitles(["Report", "Draft"]);
      await expect
        .poll(() => board.task("Draft").getByTestId("label-chip").allTextContents())
        .toEqual(expect.arrayContaining(["Work", "Urgent"]));

      // The address keeps the filter.
      await p.reload();
      await board.expectTitles(["Report", "Draft"]);
      expect(await toggle("Work").getAttribute("aria-pressed")).toBe("true");
      expect(await toggle("Urgent").getAttribute("aria-pressed")).toBe("true");
      expect(await toggle("Home").getAttribute("aria-pressed")).toBe("false");
      const sidebar = p.getByRole("navigation", { name: "Lists" });
      expect(await sidebar.getByRole("link", { name: "Urgent" }).getAttribute("aria-current")).toBe("true");

      // The sidebar adds a third (no task has all three), and takes one out again.
      await sidebar.getByRole("link", { name: "Home" }).click();
      await p.getByText("No tasks match these filters").waitFor();
      expect(labelsInAddress()).toEqual([work, urgent, home].sort());
      await sidebar.getByRole("link", { name: "Work" }).click();
      await board.expectTitles(["Call plumber"]);
      expect(labelsInAddress()).toEqual([urgent, home].sort());

      // Clearing the filters clears the labels too.
      await filters.getByRole("button", { name: "Clear filters" }).click();
      await board.expectTitles(["Report", "Slides", "Call plumber", "Read", "Draft"]);
      await p.waitForURL(/\/dashboard$/);
      expect(await toggle("Urgent").getAttribute("aria-pressed")).toBe("false");
    } finally {
      await close(context, p);
    }
  });
});

describe("versions of lists and labels", () => {
  it("sends If-Match with the version the user saw; a change made elsewhere first is a 412 with a toast and fresh data", async () => {
    const { context, p, board, userId } = await person("Iris");
    const conditional: string[] = [];
    // The app's conditional writes (the "other tab" below sends none).
    p.on("request", (request: Request) => {
      if (!/\/(lists|labels)\/[0-9a-f-]+$/.test(new URL(request.url()).pathname)) return;
      const ifMatch = request.headers()["if-match"];
      if (ifMatch) conditional.push(`${request.method()} ${ifMatch}`);
    });
    try {
      const alpha = await board.apiCreate(`/api/${userId}/lists`, { name: "Alpha" });
      const work = await board.apiCreate(`/api/${userId}/labels`, { name: "Work" });
      await p.reload();
      const sidebar = p.getByRole("navigation", { name: "Lists" });
      await sidebar.getByRole("link", { name: "Work" }).waitFor();

      // A list renamed in another tab while the form is open: the save is refused, the form shows the latest.
      await sidebar.getByRole("button", { name: 'Edit list "Alpha"' }).click();
      const form = sidebar.getByRole("form", { name: "Edit list Alpha" });
      await form.getByLabel("List name").fill("Mine");
      const elsewhere = await board.api(`/api/${userId}/lists/${alpha}`, {
        method: "PATCH",
        body: { name: "Alpha (elsewhere)" },
      });
      expect(elsewhere.status).toBe(200);
      await form.getByRole("button", { name: "Save" }).click();
      await p.getByText("This list was changed elsewhere", { exact: true }).waitFor();
      await checkAccessibility(p, "dashboard, a list's edit refused (412) toast");
      const fresh = sidebar.getByRole("form", { name: "Edit list Alpha (elsewhere)" });
      expect(await fresh.getByLabel("List name").inputValue()).toBe("Alpha (elsewhere)");
      // Made again on the latest version, it is saved.
      await fresh.getByLabel("List name").fill("Mine");
      await fresh.getByRole("button", { name: "Save" }).click();
      await sidebar.getByRole("link", { name: /Mine/ }).waitFor();
      expect(conditional).toEqual(['PATCH "1"', 'PATCH "2"']);

      // A label changed elsewhere while its deletion is being confirmed: it is not deleted.
      await sidebar.getByRole("button", { name: 'Delete label "Work"' }).click();
      const confirm = p.getByRole("alertdialog");
      await confirm.getByText("“Work” will be taken off every task that has it").waitFor();
      const recoloured = await board.api(`/api/${userId}/labels/${work}`, {
        method: "PATCH",
        body: { name: "Work (elsewhere)", color: "red" },
      });
      expect(recoloured.status).toBe(200);
      await confirm.getByRole("button", { name: "Delete label" }).click();
      await p.getByText("This label was changed elsewhere", { exact: true }).waitFor();
      await sidebar.getByRole("link", { name: "Work (elsewhere)" }).waitFor();
      expect(await sidebar.getByRole("link", { name: "Work (elsewhere)" }).getAttribute("data-color")).toBe("red");
      // Confirmed again, on what is there now, it goes.
      await sidebar.getByRole("button", { name: 'Delete label "Work (elsewhere)"' }).click();
      await confirm.getByText("“Work (elsewhere)” will be taken off").waitFor();
      await confirm.getByRole("button", { name: "Delete label" }).click();
      await sidebar.getByText("No labels yet.").waitFor();

      // A list's deletion carries its version too.
      await sidebar.getByRole("button", { name: 'Delete list "Mine"' }).click();
      await confirm.getByText("“Mine” and its").waitFor();
      await confirm.getByRole("button", { name: "Delete list" }).click();
      await sidebar.getByRole("link", { name: /Mine/ }).waitFor({ state: "detached" });
      expect(conditional).toEqual(['PATCH "1"', 'PATCH "2"', 'DELETE "1"', 'DELETE "2"', 'DELETE "3"']);
    } finally {
      await close(context, p);
    }
  });
});

describe("the README's dashboard screenshot", () => {
  it("shows several lists, labels and subtasks, and passes axe-core", async () => {
    const { context, p, board, userId } = await person("Jules");
    try {
      const lists: Record<string, string> = {};
      for (const [name, color] of [
        ["Work", "blue"],
        ["Home", "green"],
        ["Groceries", "orange"],
        ["Side project", "violet"],
      ] as const)
        lists[name] = await board.apiCreate(`/api/${userId}/lists`, { name, color });
      const urgent = await board.apiCreate(`/api/${userId}/labels`, { name: "Urgent", color: "red" });
      const meeting = await board.apiCreate(`/api/${userId}/labels`, { name: "Meeting", color: "cyan" });
      const writing = await board.apiCreate(`/api/${userId}/labels`, { name: "Writing", color: "indigo" });
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
      const work = lists.Work!;
      const launch = await board.apiCreate(`/api/${userId}/tasks`, {
        title: "Launch the new pricing page",
        description: "Copy, screenshots and the FAQ",
        priority: "high",
        due_at: day(2),
        list_id: work,
        labels: [urgent],
      });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Write the copy", parent_id: launch, labels: [writing] });
      const shots = await board.apiCreate(`/api/${userId}/tasks`, { title: "Take screenshots", parent_id: launch });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Update the FAQ", parent_id: launch });
      await board.api(`/api/${userId}/tasks/${shots}/complete`, { method: "PATCH", body: { completed: true } });
      await board.apiCreate(`/api/${userId}/tasks`, {
        title: "Quarterly review",
        priority: "medium",
        due_at: day(-1),
        list_id: work,
        labels: [meeting],
      });
      await board.apiCreate(`/api/${userId}/tasks`, {
        title: "Reply to the design feedback",
        priority: "low",
        list_id: work,
        labels: [writing, urgent],
      });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Fix the bike", list_id: lists.Home });
      await board.apiCreate(`/api/${userId}/tasks`, { title: "Apples", list_id: lists.Groceries });

      await p.goto(`/dashboard?list=${work}`);
      await board.task("Take screenshots").waitFor();
      await board.expectTitles(
        [
          "Launch the new pricing page",
          "Write the copy",
          "Take screenshots",
          "Update the FAQ",
          "Quarterly review",
          "Reply to the design feedback",
        ],
        { sorted: false },
      );
      await expect.poll(() => p.locator('article.opacity-60, section[aria-busy="true"]').count()).toBe(0);
      await checkAccessibility(p, "dashboard with lists, subtasks and labels");
      await docScreenshot(p, "dashboard");
    } finally {
      await close(context, p);
    }
  });
});

describe("accessibility (axe-core)", () => {
  it("found no serious or critical violation on any page above", () => {
    expect(accessibilityFindings).toEqual([]);
  });
});

describe("the Content-Security-Policy", () => {
  it("refused nothing on any page above", () => {
    expect(policyViolations).toEqual([]);
  });
});
