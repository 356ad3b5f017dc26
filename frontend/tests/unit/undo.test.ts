import { describe, expect, it } from "vitest";

import type { Task } from "@/lib/tasks-api";
import { bulkOperations, inverseOperations, moveBackTarget, withoutDescendants } from "@/lib/undo";

const LIST = "list-a";
const OTHER = "list-b";

function task(id: string, position: string, patch: Partial<Task> = {}): Task {
  return {
    id,
    position,
    title: id,
    list_id: LIST,
    parent_id: null,
    completed: false,
    labels: [],
    due_at: null,
    due_all_day: false,
    ...patch,
  } as Task;
}

describe("moveBackTarget", () => {
  const a = task("a", "a0");
  const b = task("b", "a1");
  const c = task("c", "a2");

  it("goes right after the sibling that was before it", () => {
    // b moved to another list: a and c are left.
    expect(moveBackTarget(b, [a, c])).toEqual({ list_id: LIST, parent_id: null, after: "a" });
  });

  it("goes before the first sibling when it was first, and to its level alone when it was the only one", () => {
    expect(moveBackTarget(a, [b, c])).toEqual({ list_id: LIST, parent_id: null, before: "b" });
    const sub = task("s", "a0", { parent_id: "p" });
    expect(moveBackTarget(sub, [])).toEqual({ list_id: LIST, parent_id: "p" });
  });

  it("ignores the task itself among the siblings (moved within its level) and its new position", () => {
    // c moved up before a: it is now first, with a new position.
    const movedC = { ...c, position: "Zz" };
    expect(moveBackTarget(c, [movedC, a, b])).toEqual({ list_id: LIST, parent_id: null, after: "b" });
  });
});

describe("inverseOperations", () => {
  it("moves tasks moved together back in order, next to each other where they were together", () => {
    const s1 = task("s1", "a0");
    const x = task("x", "a1");
    const y = task("y", "a2");
    const s2 = task("s2", "a3");
    const z = task("z", "a4");
    const sub = task("sub", "a0", { parent_id: "p" });
    const ops = inverseOperations({ kind: "move", listId: OTHER }, [z, y, x, sub], (list, parent) =>
      list === LIST && parent === null ? [s1, s2] : [],
    );
    expect(ops).toEqual([
      { op: "move", id: "x", list_id: LIST, parent_id: null, after: "s1" },
      { op: "move", id: "y", list_id: LIST, parent_id: null, after: "x" },
      { op: "move", id: "z", list_id: LIST, parent_id: null, after: "s2" },
      { op: "move", id: "sub", list_id: LIST, parent_id: "p" },
    ]);
  });

  it("reopens what was completed, restores what was deleted, puts back labels and due dates as they were", () => {
    const due = task("d", "a0", { due_at: "2026-12-08T23:00:00Z", due_all_day: true, labels: ["l1"] });
    const none = task("n", "a1");
    expect(inverseOperations({ kind: "complete" }, [due, none])).toEqual([
      { op: "reopen", id: "d" },
      { op: "reopen", id: "n" },
    ]);
    expect(inverseOperations({ kind: "delete" }, [due])).toEqual([{ op: "restore", id: "d" }]);
    expect(inverseOperations({ kind: "label", labelId: "l2" }, [due])).toEqual([
      { op: "update", id: "d", labels: ["l1"] },
    ]);
    expect(inverseOperations({ kind: "due", dueAt: "2027-01-01T00:00:00Z", allDay: false }, [due, none])).toEqual([
      { op: "update", id: "d", due_at: "2026-12-08T23:00:00Z", due_all_day: true },
      { op: "update", id: "n", due_at: null, due_all_day: false },
    ]);
  });
});

describe("bulkOperations", () => {
  it("leaves out what would change nothing", () => {
    const open = task("o", "a0", { labels: ["l1"] });
    const done = task("c", "a1", { completed: true, list_id: OTHER });
    expect(bulkOperations({ kind: "complete" }, [open, done])).toEqual([{ op: "complete", id: "o" }]);
    expect(bulkOperations({ kind: "move", listId: OTHER }, [open, done])).toEqual([
      { op: "move", id: "o", list_id: OTHER, parent_id: null },
    ]);
    expect(bulkOperations({ kind: "label", labelId: "l1" }, [open, done])).toEqual([
      { op: "update", id: "c", labels: ["l1"] },
    ]);
  });
});

describe("withoutDescendants", () => {
  it("drops tasks whose parent, or a parent further up, is chosen too", () => {
    const parent = task("p", "a0");
    const child = task("c", "a0", { parent_id: "p" });
    const grandchild = task("g", "a0", { parent_id: "m" }); // m (not chosen) is a child of p
    const loner = task("l", "a1", { parent_id: "q" });
    const parents: Record<string, string | null> = { m: "p", p: null, q: null };
    expect(withoutDescendants([parent, child, grandchild, loner], (id) => parents[id]).map((t) => t.id)).toEqual([
      "p",
      "l",
    ]);
  });
});
