"use client";

import { Toaster as Sonner, type ToasterProps } from "sonner";

/**
 * sonner's toaster in the app's colours. Toasts are announced politely by
 * sonner's live region; the theme follows the system setting as the rest of
 * the app does (globals.css).
 */
export function Toaster(props: ToasterProps) {
  return (
    <Sonner
      theme="system"
      position="bottom-right"
      closeButton
      duration={6000}
      visibleToasts={3}
      toastOptions={{
        classNames: {
          toast: "!bg-popover !text-popover-foreground !border-border",
          description: "!text-muted-foreground",
          error: "[&_[data-title]]:!text-destructive",
          closeButton: "!bg-popover !text-muted-foreground !border-border",
        },
      }}
      {...props}
    />
  );
}

export { toast } from "sonner";
