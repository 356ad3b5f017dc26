"use client";

import { Check, ChevronDown } from "lucide-react";
import { Select as SelectPrimitive } from "radix-ui";
import * as React from "react";

import { documentNonce } from "@/lib/style-nonce";
import { cn } from "@/lib/utils";

/**
 * While a select's list is open, the rest of the page is inert. Radix marks
 * it aria-hidden but leaves it focusable (its focus trap keeps the keyboard
 * in the list), which screen readers and axe-core's aria-hidden-focus rule
 * rightly flag: hidden content must not be focusable. Set on the body's
 * children that do not hold the open list, and undone as it closes, before
 * Radix moves focus back to the trigger (a tick later).
 */
function useInertOutsideWhileOpen(open: boolean) {
  React.useEffect(() => {
    if (!open) return;
    let outside: HTMLElement[] = [];
    // Radix's portal mounts the list a render later: look for it once painted.
    const frame = requestAnimationFrame(() => {
      // Closed lists live in detached fragments: the one in the document is this one.
      const list = document.querySelector('[data-slot="select-content"]');
      if (!list) return;
      outside = Array.from(document.body.children).filter(
        (el): el is HTMLElement => el instanceof HTMLElement && !el.contains(list) && !el.inert,
      );
      for (const el of outside) el.inert = true;
    });
    return () => {
      cancelAnimationFrame(frame);
      for (const el of outside) el.inert = false;
    };
  }, [open]);
}

export function Select({
  open,
  defaultOpen,
  onOpenChange,
  ...props
}: React.ComponentProps<typeof SelectPrimitive.Root>) {
  const [uncontrolledOpen, setUncontrolledOpen] = React.useState(defaultOpen ?? false);
  const isOpen = open ?? uncontrolledOpen;
  useInertOutsideWhileOpen(isOpen);
  return (
    <SelectPrimitive.Root
      open={isOpen}
      onOpenChange={(next) => {
        setUncontrolledOpen(next);
        onOpenChange?.(next);
      }}
      {...props}
    />
  );
}
export const SelectValue = SelectPrimitive.Value;
export const SelectGroup = SelectPrimitive.Group;

export function SelectTrigger({ className, children, ...props }: React.ComponentProps<typeof SelectPrimitive.Trigger>) {
  return (
    <SelectPrimitive.Trigger
      data-slot="select-trigger"
      className={cn(
        "flex h-10 w-full items-center justify-between gap-2 rounded-md border border-input bg-background px-3 py-2 text-sm whitespace-nowrap shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:opacity-50 data-[placeholder]:text-muted-foreground [&>span]:truncate",
        className,
      )}
      {...props}
    >
      {children}
      <SelectPrimitive.Icon asChild>
        <ChevronDown className="size-4 opacity-60" aria-hidden />
      </SelectPrimitive.Icon>
    </SelectPrimitive.Trigger>
  );
}

export function SelectContent({
  className,
  children,
  position = "popper",
  ...props
}: React.ComponentProps<typeof SelectPrimitive.Content>) {
  return (
    <SelectPrimitive.Portal>
      <SelectPrimitive.Content
        data-slot="select-content"
        position={position}
        className={cn(
          "relative z-50 max-h-(--radix-select-content-available-height) min-w-[8rem] overflow-hidden rounded-md border bg-popover text-popover-foreground shadow-md",
          position === "popper" && "w-full min-w-(--radix-select-trigger-width) data-[side=bottom]:translate-y-1",
          className,
        )}
        {...props}
      >
        {/* The viewport brings a <style> element: it needs the page's CSP nonce. */}
        <SelectPrimitive.Viewport className="p-1" nonce={documentNonce()}>
          {children}
        </SelectPrimitive.Viewport>
      </SelectPrimitive.Content>
    </SelectPrimitive.Portal>
  );
}

export function SelectItem({ className, children, ...props }: React.ComponentProps<typeof SelectPrimitive.Item>) {
  return (
    <SelectPrimitive.Item
      data-slot="select-item"
      className={cn(
        "relative flex w-full cursor-default items-center rounded-sm py-1.5 pr-8 pl-2 text-sm outline-none select-none focus:bg-accent focus:text-accent-foreground data-[disabled]:pointer-events-none data-[disabled]:opacity-50",
        className,
      )}
      {...props}
    >
      <span className="absolute right-2 flex size-3.5 items-center justify-center">
        <SelectPrimitive.ItemIndicator>
          <Check className="size-4" aria-hidden />
        </SelectPrimitive.ItemIndicator>
      </span>
      <SelectPrimitive.ItemText>{children}</SelectPrimitive.ItemText>
    </SelectPrimitive.Item>
  );
}
