"use client";

import { Trash2 } from "lucide-react";
import * as React from "react";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import type { Versioned } from "@/lib/tasks-api";

interface Props<T> {
  item: T;
  /** The trigger's accessible name, e.g. `Delete list "Groceries"`. */
  triggerLabel: string;
  title: string;
  confirmLabel: string;
  /** What deleting it does, said about the copy on show. */
  describe: (item: T) => React.ReactNode;
  /** Reads the item's current copy and version when the dialog opens; rejects when it cannot. */
  fetchLatest: () => Promise<Versioned<T>>;
  /** The dialog could not read the item (the caller says why); it closes. */
  onFetchFailed: (error: unknown) => void;
  /** Confirmed: delete the copy on show, at its version (If-Match). */
  onConfirm: (item: T, etag: string | null) => void;
}

/**
 * A delete button with its confirmation. Opening it reads the item again,
 * so the dialog names what is really there and the deletion carries that
 * version: if someone changes it before the user confirms, the API refuses
 * (412) and nothing is lost unseen.
 */
export function ConfirmDelete<T>({
  item,
  triggerLabel,
  title,
  confirmLabel,
  describe,
  fetchLatest,
  onFetchFailed,
  onConfirm,
}: Props<T>) {
  const [open, setOpen] = React.useState(false);
  const [latest, setLatest] = React.useState<Versioned<T> | null>(null);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) return;
    setLatest(null);
    fetchLatest().then(
      (read) => setLatest(read),
      (error: unknown) => {
        setOpen(false);
        onFetchFailed(error);
      },
    );
  }

  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogTrigger asChild>
        <Button variant="ghost" size="icon" className="size-7" aria-label={triggerLabel}>
          <Trash2 aria-hidden />
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{title}</AlertDialogTitle>
          <AlertDialogDescription>{describe(latest?.value ?? item)}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep it</AlertDialogCancel>
          <AlertDialogAction
            variant="destructive"
            disabled={!latest}
            onClick={() => {
              if (latest) onConfirm(latest.value, latest.etag);
            }}
          >
            {confirmLabel}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
