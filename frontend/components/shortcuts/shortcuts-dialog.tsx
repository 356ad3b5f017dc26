"use client";

import { X } from "lucide-react";
import { Dialog } from "radix-ui";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { SHORTCUTS, type ShortcutDefinition } from "@/hooks/use-keyboard-shortcuts";

const KEY_NAMES: Record<string, { shown: string; spoken: string }> = {
  Escape: { shown: "Esc", spoken: "Escape" },
  Enter: { shown: "Enter", spoken: "Enter" },
  Delete: { shown: "Delete", spoken: "Delete" },
  "/": { shown: "/", spoken: "slash" },
  "?": { shown: "?", spoken: "question mark" },
  "#": { shown: "#", spoken: "hash" },
};

/** One key as shown, and as a screen reader says it: an upper-case letter is Shift and that letter. */
function Key({ value }: { value: string }) {
  const named = KEY_NAMES[value];
  if (named) {
    return (
      <kbd className={KBD}>
        <span aria-hidden>{named.shown}</span>
        <span className="sr-only">{named.spoken}</span>
      </kbd>
    );
  }
  if (/^[A-Z]$/.test(value)) {
    return (
      <span className="inline-flex gap-1">
        <kbd className={KBD}>Shift</kbd>
        <kbd className={KBD}>{value}</kbd>
      </span>
    );
  }
  return <kbd className={KBD}>{value}</kbd>;
}

const KBD =
  "inline-flex min-w-6 items-center justify-center rounded border bg-muted px-1.5 font-mono text-xs leading-5 shadow-xs";

function Keys({ shortcut }: { shortcut: ShortcutDefinition }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {shortcut.keys.map((sequence, i) => (
        <React.Fragment key={sequence.join(" ")}>
          {i > 0 && <span className="text-xs text-muted-foreground">or</span>}
          {sequence.map((key, j) => (
            <React.Fragment key={j}>
              {j > 0 && <span className="text-xs text-muted-foreground">then</span>}
              <Key value={key} />
            </React.Fragment>
          ))}
        </React.Fragment>
      ))}
    </span>
  );
}

const GROUPS: ShortcutDefinition["group"][] = ["General", "Tasks", "Go to"];

export interface ShortcutsDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Default: every shortcut the app has. */
  shortcuts?: readonly ShortcutDefinition[];
}

/** The `?` dialog: every keyboard shortcut, grouped, with its keys. */
export function ShortcutsDialog({ open, onOpenChange, shortcuts = SHORTCUTS }: ShortcutsDialogProps) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 grid max-h-[85vh] w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 gap-4 overflow-y-auto rounded-xl border bg-card p-6 text-card-foreground shadow-lg">
          <div className="flex items-center justify-between">
            <Dialog.Title className="text-lg font-semibold">Keyboard shortcuts</Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="ghost" size="icon" aria-label="Close keyboard shortcuts">
                <X aria-hidden />
              </Button>
            </Dialog.Close>
          </div>
          <Dialog.Description className="text-sm text-muted-foreground">
            They work anywhere outside a text field or an open dialog; Esc works everywhere.
          </Dialog.Description>
          {GROUPS.map((group) => {
            const items = shortcuts.filter((s) => s.group === group);
            if (!items.length) return null;
            return (
              <section key={group} aria-labelledby={`shortcuts-${group}`} className="grid gap-2">
                <h3 id={`shortcuts-${group}`} className="text-sm font-medium">
                  {group}
                </h3>
                <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-2 text-sm">
                  {items.map((shortcut) => (
                    <div key={shortcut.action} className="contents">
                      <dt>{shortcut.description}</dt>
                      <dd className="justify-self-end">
                        <Keys shortcut={shortcut} />
                      </dd>
                    </div>
                  ))}
                </dl>
              </section>
            );
          })}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
