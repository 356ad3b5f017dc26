"use client";

import { Menu, X } from "lucide-react";
import { Dialog } from "radix-ui";
import * as React from "react";

import { Button } from "@/components/ui/button";
import type { TaskBoardState } from "@/hooks/use-task-board";

import { ListSidebar } from "./list-sidebar";

/**
 * On a phone, the sidebar slides in from the left (a Radix dialog: focus kept
 * inside, Escape closes it). It is the same component as the desktop
 * sidebar, so it offers the same: lists reordered by drag (with a drag
 * context of its own) or Alt+↑/↓, labels renamed, recoloured and deleted.
 */
export function ListDrawer({ board }: { board: TaskBoardState }) {
  const [open, setOpen] = React.useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button variant="outline" size="sm" className="justify-self-start md:hidden">
          <Menu aria-hidden />
          Lists
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <Dialog.Content className="fixed inset-y-0 left-0 z-50 grid w-72 max-w-[85vw] content-start gap-4 overflow-y-auto border-r bg-background p-4 shadow-lg">
          <div className="flex items-center justify-between">
            <Dialog.Title className="font-semibold">Lists</Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="ghost" size="icon" aria-label="Close lists">
                <X aria-hidden />
              </Button>
            </Dialog.Close>
          </div>
          <Dialog.Description className="sr-only">
            Choose a list, or create, rename, reorder or delete one; choose, create or edit labels.
          </Dialog.Description>
          <ListSidebar board={board} onNavigate={() => setOpen(false)} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
