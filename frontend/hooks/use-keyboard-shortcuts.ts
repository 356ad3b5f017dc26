"use client";

/**
 * Keyboard shortcuts: single keys ("x"), Shift variants ("T") and two-key
 * sequences ("g i") with a timeout between the keys. None fire while the
 * user types in a field or while a dialog is open, except Esc.
 *
 * The matching is a plain object (createShortcutMatcher) fed keyboard-event
 * shaped values, so it is tested without a browser; the hook attaches it to
 * the window.
 */
import * as React from "react";

export type ShortcutAction =
  | "quickAdd"
  | "next"
  | "previous"
  | "extendNext"
  | "extendPrevious"
  | "open"
  | "edit"
  | "complete"
  | "delete"
  | "dueToday"
  | "dueTomorrow"
  | "search"
  | "goInbox"
  | "goToday"
  | "goUpcoming"
  | "close"
  | "help";

export interface ShortcutDefinition {
  action: ShortcutAction;
  /** Alternatives; each is a sequence of `KeyboardEvent.key` values. */
  keys: readonly (readonly string[])[];
  description: string;
  group: "General" | "Tasks" | "Go to";
  /** Whether holding the key repeats it (moving the selection does; completing does not). */
  repeats?: boolean;
}

export const SHORTCUTS: readonly ShortcutDefinition[] = [
  { action: "quickAdd", keys: [["q"]], description: "Quick add a task", group: "General" },
  { action: "search", keys: [["/"]], description: "Search", group: "General" },
  { action: "help", keys: [["?"]], description: "Show keyboard shortcuts", group: "General" },
  { action: "close", keys: [["Escape"]], description: "Close", group: "General" },
  { action: "next", keys: [["j"]], description: "Select the next task", group: "Tasks", repeats: true },
  { action: "previous", keys: [["k"]], description: "Select the previous task", group: "Tasks", repeats: true },
  {
    action: "extendNext",
    keys: [["J"]],
    description: "Add the next task to the selection",
    group: "Tasks",
    repeats: true,
  },
  {
    action: "extendPrevious",
    keys: [["K"]],
    description: "Add the previous task to the selection",
    group: "Tasks",
    repeats: true,
  },
  { action: "open", keys: [["Enter"]], description: "Open the selected task", group: "Tasks" },
  { action: "edit", keys: [["e"]], description: "Edit the selected task", group: "Tasks" },
  { action: "complete", keys: [["x"]], description: "Complete the selected task", group: "Tasks" },
  { action: "delete", keys: [["#"], ["Delete"]], description: "Delete the selected task", group: "Tasks" },
  { action: "dueToday", keys: [["t"]], description: "Make the selected task due today", group: "Tasks" },
  { action: "dueTomorrow", keys: [["T"]], description: "Make the selected task due tomorrow", group: "Tasks" },
  { action: "goInbox", keys: [["g", "i"]], description: "Go to Inbox", group: "Go to" },
  { action: "goToday", keys: [["g", "t"]], description: "Go to Today", group: "Go to" },
  { action: "goUpcoming", keys: [["g", "u"]], description: "Go to Upcoming", group: "Go to" },
];

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
}

export interface MatchContext {
  /** Focus is in a text field, a select or editable content. */
  typing: boolean;
  /** A dialog (or alert dialog) is open. */
  dialogOpen: boolean;
  /** Focus is on a button, link or other control, whose own Enter wins. */
  onControl?: boolean;
}

export type MatchOutcome =
  | { kind: "action"; action: ShortcutAction }
  /** The key starts a sequence: swallow it and wait for the next. */
  | { kind: "pending" }
  | { kind: "none" };

export interface ShortcutMatcher {
  handle(event: KeyInput, context: MatchContext): MatchOutcome;
  reset(): void;
}

export const SEQUENCE_TIMEOUT_MS = 1000;

const ALWAYS = new Set(["Escape"]);
/** Keys a focused button, link or checkbox acts on itself. */
const OWNED_BY_CONTROLS = new Set(["Enter", " "]);

/**
 * Matches key presses to the given shortcuts. A sequence's second key must
 * come within `timeoutMs` of the first; a key that continues no sequence
 * ends it and is not read on its own (so a stray "g" never turns the next key
 * into a completion or a deletion).
 */
export function createShortcutMatcher(
  shortcuts: readonly ShortcutDefinition[],
  { timeoutMs = SEQUENCE_TIMEOUT_MS, now = () => Date.now() }: { timeoutMs?: number; now?: () => number } = {},
): ShortcutMatcher {
  let pending: string[] = [];
  let pendingAt = 0;

  const sequences = shortcuts.flatMap((s) => s.keys.map((keys) => ({ keys, shortcut: s })));

  return {
    reset() {
      pending = [];
    },
    handle(event, context) {
      if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) {
        pending = [];
        return { kind: "none" };
      }
      const always = ALWAYS.has(event.key);
      if (!always && (context.typing || context.dialogOpen)) {
        pending = [];
        return { kind: "none" };
      }
      if (context.onControl && OWNED_BY_CONTROLS.has(event.key)) {
        pending = [];
        return { kind: "none" };
      }
      if (always && event.defaultPrevented) {
        // Something closer to the focus has used this Escape already.
        pending = [];
        return { kind: "none" };
      }
      const time = now();
      if (pending.length && time - pendingAt > timeoutMs) pending = [];
      const wasPending = pending.length > 0;
      const typed = [...pending, event.key];
      const exact = sequences.find((s) => s.keys.length === typed.length && s.keys.every((k, i) => k === typed[i]));
      if (exact) {
        pending = [];
        if (event.repeat && !exact.shortcut.repeats) return { kind: "none" };
        return { kind: "action", action: exact.shortcut.action };
      }
      const prefix = sequences.some((s) => s.keys.length > typed.length && typed.every((k, i) => k === s.keys[i]));
      if (prefix && !event.repeat) {
        pending = typed;
        pendingAt = time;
        return { kind: "pending" };
      }
      pending = [];
      // The key after a started sequence that it does not continue is dropped.
      if (wasPending) return { kind: "pending" };
      return { kind: "none" };
    },
  };
}

const TEXT_INPUTS = new Set([
  "text",
  "search",
  "email",
  "url",
  "tel",
  "password",
  "number",
  "date",
  "datetime-local",
  "month",
  "week",
  "time",
]);

/** Whether keys pressed with this element focused are typing rather than commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_INPUTS.has(((element as HTMLInputElement).type || "text").toLowerCase());
  return element.closest('[role="textbox"], [role="combobox"], [role="listbox"], [contenteditable="true"]') !== null;
}

const CONTROLS =
  'button, a[href], input, summary, [role="button"], [role="link"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="option"], [role="tab"], [role="radio"]';

/** Whether focus is on a control that acts on Enter itself. */
export function isControlTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  return (target as Element).closest(CONTROLS) !== null;
}

/** Whether a modal or alert dialog is open in the document. */
export function isDialogOpen(doc: Document = document): boolean {
  return doc.querySelector('[role="dialog"], [role="alertdialog"]') !== null;
}

export type ShortcutHandlers = Partial<Record<ShortcutAction, (event: KeyboardEvent) => void>>;

export interface UseKeyboardShortcutsOptions {
  /** Default true. */
  enabled?: boolean;
  /** Default SEQUENCE_TIMEOUT_MS. */
  sequenceTimeoutMs?: number;
}

/**
 * Calls the handler of each shortcut pressed. Only shortcuts with a handler
 * are live, so a page that handles none of the "g" sequences leaves "g"
 * alone. Handlers may change on every render.
 */
export function useKeyboardShortcuts(handlers: ShortcutHandlers, options: UseKeyboardShortcutsOptions = {}): void {
  const { enabled = true, sequenceTimeoutMs = SEQUENCE_TIMEOUT_MS } = options;
  const latest = React.useRef(handlers);
  React.useLayoutEffect(() => {
    latest.current = handlers;
  });
  const live = SHORTCUTS.filter((s) => handlers[s.action])
    .map((s) => s.action)
    .join(",");

  React.useEffect(() => {
    if (!enabled || !live) return;
    const actions = new Set(live.split(","));
    const matcher = createShortcutMatcher(
      SHORTCUTS.filter((s) => actions.has(s.action)),
      { timeoutMs: sequenceTimeoutMs },
    );
    function onKeyDown(event: KeyboardEvent) {
      const outcome = matcher.handle(event, {
        typing: isTypingTarget(event.target),
        dialogOpen: isDialogOpen(),
        onControl: isControlTarget(event.target),
      });
      if (outcome.kind === "none") return;
      event.preventDefault();
      if (outcome.kind === "action") latest.current[outcome.action]?.(event);
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled, live, sequenceTimeoutMs]);
}
