import { describe, expect, it } from "vitest";

import {
  SHORTCUTS,
  createShortcutMatcher,
  isControlTarget,
  isTypingTarget,
  type KeyInput,
  type MatchContext,
  type ShortcutAction,
} from "@/hooks/use-keyboard-shortcuts";

const IDLE: MatchContext = { typing: false, dialogOpen: false };

/** A matcher on a clock the test moves by hand. */
function setup(timeoutMs = 1000) {
  let time = 0;
  const matcher = createShortcutMatcher(SHORTCUTS, { timeoutMs, now: () => time });
  return {
    matcher,
    advance: (ms: number) => (time += ms),
    press: (key: string | KeyInput, context: MatchContext = IDLE) =>
      matcher.handle(typeof key === "string" ? { key } : key, context),
  };
}

const action = (name: ShortcutAction) => ({ kind: "action", action: name });

describe("shortcut matcher", () => {
  it.each([
    ["q", "quickAdd"],
    ["j", "next"],
    ["k", "previous"],
    ["Enter", "open"],
    ["e", "edit"],
    ["x", "complete"],
    ["#", "delete"],
    ["Delete", "delete"],
    ["t", "dueToday"],
    ["T", "dueTomorrow"],
    ["/", "search"],
    ["?", "help"],
    ["Escape", "close"],
  ] as const)("%s → %s", (key, name) => {
    expect(setup().press(key)).toEqual(action(name));
  });

  it.each([
    ["i", "goInbox"],
    ["t", "goToday"],
    ["u", "goUpcoming"],
  ] as const)("g %s → %s", (second, name) => {
    const { press } = setup();
    expect(press("g")).toEqual({ kind: "pending" });
    expect(press(second)).toEqual(action(name));
  });

  it("tells t from Shift+T", () => {
    const { press } = setup();
    expect(press({ key: "t" })).toEqual(action("dueToday"));
    expect(press({ key: "T" })).toEqual(action("dueTomorrow"));
  });

  it("forgets a sequence's first key after the timeout", () => {
    const { press, advance } = setup(1000);
    press("g");
    advance(1001);
    // "t" alone again: due today, not Go to Today.
    expect(press("t")).toEqual(action("dueToday"));
  });

  it("keeps a sequence within the timeout", () => {
    const { press, advance } = setup(1000);
    press("g");
    advance(1000);
    expect(press("u")).toEqual(action("goUpcoming"));
  });

  it("drops a key that continues no sequence instead of reading it alone", () => {
    const { press } = setup();
    press("g");
    expect(press("x")).toEqual({ kind: "pending" });
    expect(press("x")).toEqual(action("complete"));
  });

  it("fires nothing while typing in a field, except Escape", () => {
    const { press } = setup();
    const typing = { typing: true, dialogOpen: false };
    for (const key of ["q", "j", "x", "#", "Delete", "t", "T", "/", "?", "Enter", "g"]) {
      expect(press(key, typing)).toEqual({ kind: "none" });
    }
    expect(press("i", typing)).toEqual({ kind: "none" });
    expect(press("Escape", typing)).toEqual(action("close"));
  });

  it("fires nothing while a dialog is open, except Escape", () => {
    const { press } = setup();
    const dialog = { typing: false, dialogOpen: true };
    for (const key of ["q", "k", "e", "x", "Delete", "?"]) expect(press(key, dialog)).toEqual({ kind: "none" });
    expect(press("Escape", dialog)).toEqual(action("close"));
  });

  it("lets a sequence started before typing go", () => {
    const { press } = setup();
    press("g");
    expect(press("i", { typing: true, dialogOpen: false })).toEqual({ kind: "none" });
    expect(press("i")).toEqual({ kind: "none" });
  });

  it("leaves Escape that something else used", () => {
    expect(setup().press({ key: "Escape", defaultPrevented: true })).toEqual({ kind: "none" });
  });

  it("leaves Enter to a focused button or link", () => {
    const { press } = setup();
    expect(press("Enter", { ...IDLE, onControl: true })).toEqual({ kind: "none" });
    expect(press("x", { ...IDLE, onControl: true })).toEqual(action("complete"));
  });

  it("ignores keys with Ctrl, Cmd or Alt, and keys mid-composition", () => {
    const { press } = setup();
    expect(press({ key: "q", ctrlKey: true })).toEqual({ kind: "none" });
    expect(press({ key: "x", metaKey: true })).toEqual({ kind: "none" });
    expect(press({ key: "j", altKey: true })).toEqual({ kind: "none" });
    expect(press({ key: "q", isComposing: true })).toEqual({ kind: "none" });
  });

  it("repeats j and k when held, but not x or Delete", () => {
    const { press } = setup();
    expect(press({ key: "j", repeat: true })).toEqual(action("next"));
    expect(press({ key: "k", repeat: true })).toEqual(action("previous"));
    expect(press({ key: "x", repeat: true })).toEqual({ kind: "none" });
    expect(press({ key: "Delete", repeat: true })).toEqual({ kind: "none" });
  });

  it("only knows the shortcuts it was given", () => {
    const matcher = createShortcutMatcher(SHORTCUTS.filter((s) => s.action === "quickAdd"));
    expect(matcher.handle({ key: "g" }, IDLE)).toEqual({ kind: "none" });
    expect(matcher.handle({ key: "q" }, IDLE)).toEqual(action("quickAdd"));
  });

  it("lists every shortcut of the issue", () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys.map((k) => k.join(" ")));
    expect(keys.sort()).toEqual(
      // J and K (Shift+j / Shift+k) extend the selection (issue 12).
      [
        "q",
        "j",
        "k",
        "J",
        "K",
        "Enter",
        "e",
        "x",
        "#",
        "Delete",
        "t",
        "T",
        "/",
        "g i",
        "g t",
        "g u",
        "Escape",
        "?",
      ].sort(),
    );
  });
});

/** Just enough of an element for the target checks. */
function element(tagName: string, extra: { type?: string; isContentEditable?: boolean; inside?: string[] } = {}) {
  const own = tagName.toLowerCase();
  return {
    tagName,
    type: extra.type,
    isContentEditable: extra.isContentEditable ?? false,
    closest: (selector: string) => {
      const names = [own, ...(extra.inside ?? [])];
      return names.some((name) => selector.split(",").some((part) => part.trim() === name)) ? {} : null;
    },
  } as unknown as EventTarget;
}

describe("focus targets", () => {
  it("counts text fields, text areas, selects and editable content as typing", () => {
    expect(isTypingTarget(element("INPUT", { type: "text" }))).toBe(true);
    expect(isTypingTarget(element("INPUT", { type: "search" }))).toBe(true);
    expect(isTypingTarget(element("TEXTAREA"))).toBe(true);
    expect(isTypingTarget(element("SELECT"))).toBe(true);
    expect(isTypingTarget(element("DIV", { isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(element("DIV", { inside: ['[role="combobox"]'] }))).toBe(true);
  });

  it("does not count checkboxes, buttons or the page", () => {
    expect(isTypingTarget(element("INPUT", { type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(element("BUTTON"))).toBe(false);
    expect(isTypingTarget(element("BODY"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it("knows controls that act on Enter themselves", () => {
    expect(isControlTarget(element("BUTTON"))).toBe(true);
    expect(isControlTarget(element("SPAN", { inside: ['[role="checkbox"]'] }))).toBe(true);
    expect(isControlTarget(element("LI"))).toBe(false);
  });
});
