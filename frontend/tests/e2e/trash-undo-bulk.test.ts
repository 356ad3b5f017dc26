/**
 * Issue 12 in Chromium against the production web app and the real API:
 * Undo after a delete, a completion, a move and a bulk action puts
 * everything back exactly (place, list, parent, labels, due date); the Trash
 * page restores, deletes forever and empties; an export downloaded from
 * Settings and imported into a fresh account shows the same tasks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { signUp, type SignedUpUser } from "../support/auth-http";
import { startStack, type Stack } from "../support/stack";
import { accessibilityFindings, checkAccessibility } from "./accessibility";
import { docScreenshot, launchBrowser, newContext, policyViolations, screenshotOnFailure } from "./browser";
import { DashboardPage } from "./dashboard-page";

let stack: Stack;
let browser: Browser;
let uma: SignedUpUser;
const contexts: BrowserContext[] = [];
let page: Page;
let board: DashboardPage;

interface ApiTask {
  id: string;
  title: string;
  list_id: string;
  parent_id: string | null;
  position: string;
  completed: boolean;
  labels: string[];
  due_at: string | null;
  due_all_day: boolean;
  priority: string;
}

async function signedIn(user: SignedUpUser): Promise<Page> {
  const context = await newContext(browser, { baseURL: stack.webUrl });
  contexts.push(context);
  await context.addCookies(
    user.cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: stack.webUrl };
    }),
  );
  const p = await context.newPage();
  await p.goto("/dashboard");
  await p.getByRole("heading", { name: "Your tasks" }).waitFor({ timeout: 30_000 });
  return p;
}

const path = (rest: string, user = uma) => `/api/${user.id}${rest}`;

async function create(title: string, body: Record<string, unknown> = {}): Promise<string> {
  return board.apiCreate(path("/tasks"), { title, ...body });
}

async function getTask(id: string, on = board, user = uma): Promise<ApiTask> {
  const { status, body } = await on.api(path(`/tasks/${id}`, user));
  expect(status).toBe(200);
  return body as ApiTask;
}

/** What "exactly back" compares: place, list, parent, labels, dates, state. */
const placeAndFields = ({
  list_id,
  parent_id,
  position,
  completed,
  labels,
  due_at,
  due_all_day,
  priority,
}: ApiTask) => ({
  list_id,
  parent_id,
  position,
  completed,
  labels: [...labels].sort(),
  due_at: due_at && new Date(due_at).toISOString(),
  due_all_day,
  priority,
});

/** A new list (so each test starts with its own tasks), shown. */
async function freshList(name: string): Promise<string> {
  return board.apiCreate(path("/lists"), { name });
}

async function show(listId: string, name: string): Promise<void> {
  await page.goto(`/dashboard?list=${listId}`);
  await expect.poll(() => page.getByTestId("current-list").textContent()).toBe(name);
  await expect.poll(() => page.locator('section[aria-label="Tasks"]').getAttribute("aria-busy")).toBe("false");
}

const toast = (text: string): Locator => page.locator("[data-sonner-toast]").filter({ hasText: text });

async function undo(text: string): Promise<void> {
  const shown = toast(text).last();
  await shown.waitFor();
  await shown.getByRole("button", { name: "Undo" }).click();
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  uma = await signUp(stack.webUrl, "uma");
  page = await signedIn(uma);
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

describe("undo", () => {
  it("after a delete puts the task back with its subtask, place, labels and due date", async () => {
    const list = await freshList("Undo delete");
    const label = await board.apiCreate(path("/labels"), { name: "urgent" });
    await create("Alpha", { list_id: list });
    const bravo = await create("Bravo", {
      list_id: list,
      labels: [label],
      priority: "high",
      due_at: "2030-03-04T00:00:00Z",
      due_all_day: true,
    });
    const sub = await create("Bravo sub", { parent_id: bravo });
    await create("Charlie", { list_id: list });
    const before = placeAndFields(await getTask(bravo));
    const subBefore = placeAndFields(await getTask(sub));
    await show(list, "Undo delete");
    await board.expectTitles(["Alpha", "Bravo", "Bravo sub", "Charlie"], { sorted: false });

    await board.task("Bravo").getByRole("button", { name: 'Delete "Bravo"' }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete task" }).click();
    await board.expectTitles(["Alpha", "Charlie"], { sorted: false });
    expect((await board.api(path(`/tasks/${bravo}`))).status).toBe(404);

    await undo("“Bravo” is in the trash.");
    await board.expectTitles(["Alpha", "Bravo", "Bravo sub", "Charlie"], { sorted: false });
    expect(placeAndFields(await getTask(bravo))).toEqual(before);
    expect(placeAndFields(await getTask(sub))).toEqual(subBefore);
  });

  it("after deleting a list brings it back with its tasks", async () => {
    const list = await freshList("Short-lived");
    await create("Kept task", { list_id: list });
    await show(list, "Short-lived");
    const sidebar = page.getByRole("navigation", { name: "Lists" });
    await sidebar.getByRole("button", { name: 'Delete list "Short-lived"' }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete list" }).click();
    await sidebar.getByRole("link", { name: /Short-lived/ }).waitFor({ state: "detached" });
    await undo("“Short-lived” and its tasks are in the trash.");
    await sidebar.getByRole("link", { name: /Short-lived/ }).waitFor();
    await show(list, "Short-lived");
    await board.expectTitles(["Kept task"], { sorted: false });
  });

  it("after completing a parent reopens it and the subtasks it completed", async () => {
    const list = await freshList("Undo complete");
    const parent = await create("Paint", { list_id: list });
    const open = await create("Buy paint", { parent_id: parent });
    const done = await create("Sand walls", { parent_id: parent });
    expect(
      (await board.api(path(`/tasks/${done}/complete`), { method: "PATCH", body: { completed: true } })).status,
    ).toBe(200);
    await show(list, "Undo complete");
    await board.task("Paint").getByRole("checkbox", { name: 'Mark "Paint" as done' }).click();
    await expect.poll(async () => (await getTask(open)).completed).toBe(true);

    await undo("“Paint” is done.");
    await expect.poll(async () => (await getTask(parent)).completed).toBe(false);
    expect((await getTask(open)).completed).toBe(false);
    // The one done before stays done.
    expect((await getTask(done)).completed).toBe(true);
  });

  it("after a move puts the task back under the same parent, next to the same neighbour", async () => {
    const list = await freshList("Undo move");
    await create("One", { list_id: list });
    const two = await create("Two", { list_id: list });
    await create("Three", { list_id: list });
    const before = await getTask(two);
    await show(list, "Undo move");

    // Alt+→: Two becomes a subtask of One.
    await board.task("Two").focus();
    await page.keyboard.press("Alt+ArrowRight");
    await expect.poll(async () => (await getTask(two)).parent_id).not.toBeNull();
    await undo("is now a subtask of “One”");
    await expect.poll(async () => (await getTask(two)).parent_id).toBeNull();
    await board.expectTitles(["One", "Two", "Three"], { sorted: false });

    // Alt+↓ on the first: it goes after Two; Undo puts it first again.
    await board.task("One").focus();
    await page.keyboard.press("Alt+ArrowDown");
    await board.expectTitles(["Two", "One", "Three"], { sorted: false });
    await undo("moved down, after “Two”");
    await board.expectTitles(["One", "Two", "Three"], { sorted: false });
    expect((await getTask(two)).list_id).toBe(before.list_id);
  });

  it("after bulk actions (chosen by checkbox, Shift+click and Shift+j) sends the inverse batch", async () => {
    const list = await freshList("Bulk");
    const elsewhere = await freshList("Elsewhere");
    const label = await board.apiCreate(path("/labels"), { name: "bulk-label" });
    const ids: Record<string, string> = {};
    for (const title of ["A1", "B2", "C3", "D4"]) ids[title] = await create(title, { list_id: list });
    const before = Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([t, id]) => [t, placeAndFields(await getTask(id))] as const)),
    );
    await show(list, "Bulk");

    // Checkbox mode: B2 chosen, then Shift+click on D4 takes C3 too.
    await page.getByRole("button", { name: "Select", exact: true }).click();
    await page.getByRole("checkbox", { name: 'Select "B2"' }).click();
    await board
      .task("D4")
      .locator("h3")
      .click({ modifiers: ["Shift"] });
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByText("3 tasks selected").waitFor();
    await checkAccessibility(page, "the bulk bar");
    await docScreenshot(page, "bulk-bar");

    await bar.getByLabel("List to move the selected tasks to").selectOption({ label: "Elsewhere" });
    await bar.getByRole("button", { name: "Move" }).click();
    await board.expectTitles(["A1"], { sorted: false });
    expect((await getTask(ids.C3!)).list_id).toBe(elsewhere);
    await undo("Moved 3 tasks to Elsewhere");
    await board.expectTitles(["A1", "B2", "C3", "D4"], { sorted: false });
    for (const t of ["B2", "C3", "D4"]) expect((await getTask(ids[t]!)).list_id).toBe(list);

    // The keyboard: A1 selected, Shift+j twice chooses A1..C3; then a label, then undo.
    await board.task("A1").locator("h3").click();
    await page.keyboard.press("Shift+J");
    await page.keyboard.press("Shift+J");
    await bar.getByText("3 tasks selected").waitFor();
    await bar.getByLabel("Label to add to the selected tasks").selectOption({ label: "bulk-label" });
    await bar.getByRole("button", { name: "Add label" }).click();
    await expect.poll(async () => (await getTask(ids.C3!)).labels).toEqual([label]);
    expect((await getTask(ids.D4!)).labels).toEqual([]);
    await undo("Labelled 3 tasks");
    await expect.poll(async () => (await getTask(ids.A1!)).labels).toEqual([]);

    // A due date for two of them, then undo: they have none again.
    for (const t of ["A1", "B2"]) await page.getByRole("checkbox", { name: `Select "${t}"` }).click();
    await bar.getByLabel("Due date for the selected tasks").fill("2031-01-02");
    await bar.getByRole("button", { name: "Set date" }).click();
    await expect.poll(async () => (await getTask(ids.B2!)).due_all_day).toBe(true);
    expect((await getTask(ids.A1!)).due_at).not.toBeNull();
    await undo("Changed the due date of 2 tasks");
    await expect.poll(async () => (await getTask(ids.B2!)).due_at).toBeNull();
    expect((await getTask(ids.A1!)).due_all_day).toBe(false);

    // Everything chosen: complete, undo; delete, undo.
    for (const t of ["A1", "B2", "C3", "D4"]) await page.getByRole("checkbox", { name: `Select "${t}"` }).click();
    await bar.getByRole("button", { name: "Complete" }).click();
    await expect.poll(async () => (await getTask(ids.D4!)).completed).toBe(true);
    await undo("Completed 4 tasks");
    await expect.poll(async () => (await getTask(ids.D4!)).completed).toBe(false);

    for (const t of ["A1", "B2", "C3", "D4"]) await page.getByRole("checkbox", { name: `Select "${t}"` }).click();
    await bar.getByRole("button", { name: "Delete" }).click();
    await board.expectTitles([], { sorted: false });
    await undo("Deleted 4 tasks");
    await board.expectTitles(["A1", "B2", "C3", "D4"], { sorted: false });
    for (const [t, id] of Object.entries(ids)) {
      const now = placeAndFields(await getTask(id));
      // Completed and reopened, labelled and unlabelled, moved and back: the order and fields are as they were.
      expect({ ...now, position: undefined }, t).toEqual({ ...before[t], position: undefined });
    }
  });
});

describe("the Trash page", () => {
  it("lists deleted items newest first, restores one, deletes one forever, and empties", async () => {
    const list = await freshList("Trash test");
    const older = await create("Older", { list_id: list });
    const newer = await create("Newer", { list_id: list });
    expect((await board.api(path(`/tasks/${older}`), { method: "DELETE" })).status).toBe(204);
    expect((await board.api(path(`/tasks/${newer}`), { method: "DELETE" })).status).toBe(204);

    await page.goto("/dashboard");
    await page.getByRole("navigation", { name: "Lists" }).getByRole("link", { name: "Trash", exact: true }).click();
    await page.waitForURL(/\/trash$/);
    const items = page.getByTestId("trash-item");
    await expect
      .poll(() => items.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label"))))
      .toEqual(["Newer", "Older"]);
    await checkAccessibility(page, "the Trash page");

    // Deleted in another tab: it shows up here (the change feed).
    const live = await create("Live one", { list_id: list });
    await expect.poll(() => page.getByTestId("live-status").getAttribute("data-status")).toBe("live");
    expect((await board.api(path(`/tasks/${live}`), { method: "DELETE" })).status).toBe(204);
    await page.getByRole("article", { name: "Live one" }).waitFor();
    await docScreenshot(page, "trash");

    await page.getByRole("button", { name: 'Restore "Older"' }).click();
    await page.getByRole("article", { name: "Older" }).waitFor({ state: "detached" });
    expect((await getTask(older)).list_id).toBe(list);

    await page.getByRole("button", { name: 'Delete forever "Newer"' }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete forever" }).click();
    await page.getByRole("article", { name: "Newer" }).waitFor({ state: "detached" });
    const restoreGone = await board.api(path(`/trash/${newer}/restore`), { method: "POST", body: {} });
    expect(restoreGone.status).toBe(404);

    await page.getByRole("button", { name: "Empty trash" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Empty trash" }).click();
    await page.getByTestId("trash-empty").waitFor();
    expect((await board.api(path("/trash"))).body).toEqual([]);
  });
});

describe("export and import", () => {
  it("an export downloaded from Settings, imported into a fresh account, shows the same tasks", async () => {
    const list = await freshList("Groceries");
    const dairy = await board.apiCreate(path("/labels"), { name: "dairy" });
    await create("Milk", { list_id: list, labels: [dairy], due_at: "2030-05-06T00:00:00Z", due_all_day: true });
    const bread = await create("Bread", { list_id: list, priority: "high" });
    await create("Rye", { parent_id: bread });

    await page.goto("/settings");
    const dir = await mkdtemp(join(tmpdir(), "todo-export-"));
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/^todo-export-\d{4}-\d{2}-\d{2}\.json$/);
    const jsonFile = join(dir, json.suggestedFilename());
    await json.saveAs(jsonFile);
    const exported = JSON.parse(readFileSync(jsonFile, "utf8")) as { format: string; tasks: { title: string }[] };
    expect(exported.format).toBe("todo-api-export");
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);

    // A fresh account imports it.
    const vera = await signUp(stack.webUrl, "vera");
    const other = await signedIn(vera);
    const otherBoard = new DashboardPage(other);
    await other.goto("/settings");
    await other.getByLabel("File to import").setInputFiles(jsonFile);
    await expect
      .poll(() => other.getByTestId("import-preview").textContent())
      .toContain(`${exported.tasks.length} tasks`);
    await checkAccessibility(other, "the import preview");
    await other.getByRole("button", { name: "Import", exact: true }).click();
    await other.getByTestId("import-report").getByText(`${exported.tasks.length} tasks`, { exact: false }).waitFor();

    const lists = (await otherBoard.api(path("/lists", vera))).body as { id: string; name: string }[];
    const groceries = lists.find((l) => l.name === "Groceries");
    expect(groceries).toBeDefined();
    await other.goto(`/dashboard?list=${groceries!.id}`);
    await expect.poll(() => other.getByTestId("current-list").textContent()).toBe("Groceries");
    await otherBoard.expectTitles(["Milk", "Bread", "Rye"], { sorted: false });
    await otherBoard.task("Milk").getByTestId("label-chip").getByText("dairy").waitFor();
  });

  it("a Todoist CSV is previewed by row type and imported into the list named for it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "todoist-"));
    const file = join(dir, "project.csv");
    writeFileSync(
      file,
      [
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE",
        "task,Write report,,1,1,,,,en,",
        "task,Find the figures,,4,2,,,,en,",
        "section,Errands,,,,,,,,",
        "task,Post the letter,,2,1,,,,en,",
      ].join("\r\n"),
    );
    await page.goto("/settings");
    await page.getByLabel("File to import").setInputFiles(file);
    await expect.poll(() => page.getByTestId("import-preview").textContent()).toContain("4 rows: 3 tasks, 1 section");
    await page.getByLabel("List for the tasks before the first section").fill("From Todoist");
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByTestId("import-report").getByText("3 tasks", { exact: false }).waitFor();

    const lists = (await board.api(path("/lists"))).body as { id: string; name: string }[];
    const first = lists.find((l) => l.name === "From Todoist");
    expect(first).toBeDefined();
    expect(lists.some((l) => l.name === "Errands")).toBe(true);
    await show(first!.id, "From Todoist");
    await board.expectTitles(["Write report", "Find the figures"], { sorted: false });
    expect(await board.task("Find the figures").getAttribute("data-depth")).toBe("1");
  });
});

describe("on a phone in dark mode", () => {
  it("the drawer links to the Trash, whose page passes axe-core", async () => {
    const context = await newContext(browser, { baseURL: stack.webUrl, phone: true, dark: true });
    contexts.push(context);
    await context.addCookies(
      uma.cookie.split("; ").map((pair) => {
        const at = pair.indexOf("=");
        return { name: pair.slice(0, at), value: pair.slice(at + 1), url: stack.webUrl };
      }),
    );
    const phone = await context.newPage();
    const gone = await create("On the phone");
    expect((await board.api(path(`/tasks/${gone}`), { method: "DELETE" })).status).toBe(204);
    await phone.goto("/dashboard");
    await phone.getByRole("button", { name: "Lists" }).click();
    await phone.getByRole("dialog").getByRole("link", { name: "Trash", exact: true }).click();
    await phone.waitForURL(/\/trash$/);
    await phone.getByRole("article", { name: "On the phone" }).waitFor();
    await checkAccessibility(phone, "the Trash page (phone, dark)");
  });
});

describe("accessibility (axe-core) and the content security policy", () => {
  it("found no serious or critical violation on any page above, and nothing refused", () => {
    expect(accessibilityFindings).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
