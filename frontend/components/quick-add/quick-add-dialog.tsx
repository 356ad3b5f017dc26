"use client";

import { AtSign, CalendarDays, Flag, Hash, Loader2, Plus, Repeat, type LucideIcon } from "lucide-react";
import { Dialog } from "radix-ui";
import * as React from "react";

import { TASK_LIMITS, charCount } from "@/components/tasks/task-draft";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import {
  parseQuickAdd,
  previewParts,
  trailingToken,
  type PreviewPart,
  type QuickAddContext,
  type QuickAddResult,
  type QuickAddToken,
  type TokenKind,
} from "@/lib/quick-add";
import { cn } from "@/lib/utils";

export interface QuickAddDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** How to read the line: the user's zone, week start, locale, lists and labels. The time is taken as they type. */
  context: Omit<QuickAddContext, "now">;
  /**
   * Creates the task (and any new labels). Resolving closes the dialog and
   * clears the line; resolving `false` or rejecting keeps both, for the user
   * to try again (the caller says what went wrong, e.g. in a toast).
   */
  onSubmit: (result: QuickAddResult) => void | boolean | Promise<void | boolean>;
}

const KIND: Record<TokenKind, { icon: LucideIcon; name: string; className: string }> = {
  date: { icon: CalendarDays, name: "Due", className: "bg-primary/10 text-primary" },
  recurrence: { icon: Repeat, name: "Repeats", className: "bg-success/15 text-success-ink" },
  list: { icon: Hash, name: "List", className: "bg-secondary text-secondary-foreground" },
  label: { icon: AtSign, name: "Label", className: "bg-warning/15 text-warning-ink" },
  priority: { icon: Flag, name: "Priority", className: "bg-destructive/15 text-destructive-ink" },
};

/**
 * Quick add: one line in plain words ("Pay rent every month on the 1st #Home
 * @bills p1"), read as it is typed. The recognised parts are shown in the
 * line below as buttons, each of which keeps its words as plain text when
 * pressed; Escape does that for the part just typed, and closes the dialog
 * when there is none. A preview says what Enter will create.
 */
export function QuickAddDialog({ open, onOpenChange, context, onSubmit }: QuickAddDialogProps) {
  const [text, setText] = React.useState("");
  const [literal, setLiteral] = React.useState<ReadonlySet<string>>(() => new Set());
  const [now, setNow] = React.useState(() => new Date());
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const inputRef = React.useRef<HTMLInputElement>(null);

  const { timeZone, locale, weekStart, lists, labels } = context;
  const result = React.useMemo(
    () => parseQuickAdd(text, { now, timeZone, locale, weekStart, lists, labels }, { literal }),
    [text, now, timeZone, locale, weekStart, lists, labels, literal],
  );
  const parts = previewParts(result, { now, locale, timeZone });

  function change(value: string) {
    setText(value);
    setNow(new Date());
    setError(null);
    if (!value.trim()) setLiteral(new Set());
  }

  function keepLiteral(key: string) {
    setLiteral((keys) => new Set(keys).add(key));
    inputRef.current?.focus();
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!result.title) {
      setError("Give the task a title.");
      return;
    }
    if (charCount(result.title) > TASK_LIMITS.title) {
      setError(`Keep the title to ${TASK_LIMITS.title} characters.`);
      return;
    }
    setBusy(true);
    try {
      if ((await onSubmit(result)) === false) return;
      setText("");
      setLiteral(new Set());
      onOpenChange(false);
    } catch {
      // The caller reports the failure; the line stays to try again.
    } finally {
      setBusy(false);
      inputRef.current?.focus();
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <Dialog.Content
          className="fixed top-[15vh] left-1/2 z-50 grid w-[calc(100%-2rem)] max-w-xl -translate-x-1/2 gap-3 rounded-xl border bg-card p-4 text-card-foreground shadow-lg"
          onOpenAutoFocus={(event) => {
            event.preventDefault();
            // A line kept from an earlier opening is read against the time now.
            setNow(new Date());
            inputRef.current?.focus();
          }}
          onEscapeKeyDown={(event) => {
            const last = trailingToken(text, result.tokens);
            if (!last) return;
            event.preventDefault();
            keepLiteral(last.key);
          }}
        >
          <Dialog.Title className="text-base font-semibold">Quick add</Dialog.Title>
          <Dialog.Description className="text-sm text-muted-foreground">
            Type the task in plain words: a date (“tomorrow 5pm”), “every …”, #list, @label, p1–p3. Press a highlighted
            part, or Escape right after typing it, to keep it as text.
          </Dialog.Description>
          <form onSubmit={submit} className="grid gap-3" noValidate>
            <label htmlFor="quick-add-input" className="sr-only">
              Task
            </label>
            <Input
              ref={inputRef}
              id="quick-add-input"
              autoComplete="off"
              spellCheck={false}
              placeholder="Pay rent every month on the 1st #Home @bills p1"
              value={text}
              onChange={(event) => change(event.target.value)}
              aria-describedby="quick-add-preview"
              aria-invalid={error ? true : undefined}
              aria-errormessage={error ? "quick-add-error" : undefined}
              // Read-only, not disabled, while it is saved: a disabled field loses the focus, and
              // after a failure Enter must try again from the line kept.
              readOnly={busy}
              aria-busy={busy || undefined}
            />
            {result.tokens.length > 0 && <Highlighted text={text} tokens={result.tokens} onKeep={keepLiteral} />}
            <Preview parts={parts} hasText={text.trim() !== ""} />
            {error && (
              <p id="quick-add-error" role="alert" className="text-sm text-destructive-ink">
                {error}
              </p>
            )}
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button variant="ghost">Cancel</Button>
              </Dialog.Close>
              <Button type="submit" disabled={busy}>
                {busy ? <Loader2 aria-hidden className="motion-safe:animate-spin" /> : <Plus aria-hidden />}
                Add task
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/**
 * The line as typed, with each recognised part a button that keeps it as
 * text. The plain words are only shown (the input holds them for assistive
 * technology); the buttons say what they are and what pressing does.
 */
function Highlighted({
  text,
  tokens,
  onKeep,
}: {
  text: string;
  tokens: readonly QuickAddToken[];
  onKeep: (key: string) => void;
}) {
  const pieces: React.ReactNode[] = [];
  let at = 0;
  for (const token of tokens) {
    if (token.start > at) pieces.push(<span key={`text-${at}`}>{text.slice(at, token.start)}</span>);
    const kind = KIND[token.kind];
    const Icon = kind.icon;
    pieces.push(
      <button
        key={token.key}
        type="button"
        data-token-kind={token.kind}
        onClick={() => onKeep(token.key)}
        aria-label={`${kind.name}: ${token.text}. Keep as text`}
        title="Keep as text"
        className={cn(
          "inline-flex items-center gap-1 rounded px-1 font-medium outline-none hover:line-through focus-visible:ring-2 focus-visible:ring-ring",
          kind.className,
        )}
      >
        <Icon aria-hidden className="size-3.5 shrink-0" />
        {token.text}
      </button>,
    );
    at = token.end;
  }
  if (at < text.length) pieces.push(<span key={`text-${at}`}>{text.slice(at)}</span>);
  return (
    <div
      role="group"
      aria-label="Recognised parts"
      className="min-h-6 text-sm leading-7 break-words whitespace-pre-wrap text-muted-foreground"
    >
      {pieces}
    </div>
  );
}

function Preview({ parts, hasText }: { parts: PreviewPart[]; hasText: boolean }) {
  const [title, ...details] = parts;
  return (
    <p id="quick-add-preview" aria-live="polite" className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
      {hasText ? (
        <>
          <span className="font-medium">{title?.text || <em className="text-muted-foreground">No title yet</em>}</span>
          {details.map((part, i) => {
            const Icon = KIND[part.kind as TokenKind]?.icon;
            return (
              <span key={i} className="inline-flex items-center gap-1 text-muted-foreground">
                <span aria-hidden>·</span>
                {Icon && <Icon aria-hidden className="size-3.5" />}
                <span className="sr-only">{KIND[part.kind as TokenKind]?.name}: </span>
                {part.kind === "list" ? `#${part.text}` : part.kind === "label" ? `@${part.text}` : part.text}
                {part.isNew && <span className="rounded bg-warning/15 px-1 text-xs text-warning-ink">new label</span>}
              </span>
            );
          })}
        </>
      ) : (
        <span className="text-muted-foreground">Nothing to add yet.</span>
      )}
    </p>
  );
}
