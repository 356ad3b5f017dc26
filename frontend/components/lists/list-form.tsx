"use client";

import * as React from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { schemaConstraints } from "@/lib/api/schema-constraints";
import type { Color } from "@/lib/tasks-api";

import { COLORS, COLOR_DOT, colorName } from "./list-colors";

const MAX_NAME = schemaConstraints.ListInput.properties.name.maxLength;

interface Props {
  idPrefix: string;
  initial?: { name: string; color: Color };
  submitLabel: string;
  /** Resolves to a message to show, or null once saved. */
  onSubmit: (value: { name: string; color: Color }) => Promise<string | null>;
  onCancel?: () => void;
  /** What is named: "list" (the default) or "label". */
  noun?: string;
  maxLength?: number;
}

/** A list's name and colour: creating one, or renaming and recolouring it. */
export function ListForm({
  idPrefix,
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  noun = "list",
  maxLength = MAX_NAME,
}: Props) {
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const [name, setName] = React.useState(initial?.name ?? "");
  const [color, setColor] = React.useState<Color>(initial?.color ?? "gray");
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === "") return setError(`Give the ${noun} a name.`);
    if ([...trimmed].length > maxLength) return setError(`Keep the name to ${maxLength} characters.`);
    setBusy(true);
    const submitted = { name, color };
    const problem = await onSubmit({ name: trimmed, color });
    setBusy(false);
    setError(problem);
    if (!problem && !initial) {
      // Only what was sent is cleared: a name typed while it was being
      // saved (the new list may show, live, before the answer) is kept.
      setName((current) => (current === submitted.name ? "" : current));
      setColor((current) => (current === submitted.color ? "gray" : current));
    }
  }

  return (
    <form
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === "Escape" && onCancel && !event.defaultPrevented) {
          event.preventDefault();
          onCancel();
        }
      }}
      className="grid gap-2"
      aria-label={initial ? `Edit ${noun} ${initial.name}` : `New ${noun}`}
      noValidate
    >
      <Label htmlFor={`${idPrefix}-name`} className="sr-only">
        {Noun} name
      </Label>
      <Input
        id={`${idPrefix}-name`}
        value={name}
        placeholder={`New ${noun}`}
        autoComplete="off"
        className="h-9"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${idPrefix}-error` : undefined}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
      />
      <div className="flex gap-2">
        <Select value={color} onValueChange={(value) => setColor(value as Color)}>
          <SelectTrigger id={`${idPrefix}-color`} aria-label={`${Noun} colour`} className="h-9 flex-1">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {COLORS.map((c) => (
              <SelectItem key={c} value={c}>
                <span className={`size-2.5 rounded-full ${COLOR_DOT[c]}`} aria-hidden />
                {colorName(c)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Button type="submit" size="sm" className="h-9" disabled={busy}>
          {submitLabel}
        </Button>
        {onCancel ? (
          <Button size="sm" variant="ghost" className="h-9" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
      {error ? (
        <p id={`${idPrefix}-error`} className="text-xs text-destructive" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
