"use client";

/**
 * The lists' manual order, by drag (dnd-kit) in the desktop sidebar and in
 * the phone's drawer alike. The keyboard way (Alt+↑/↓ on a list's link) is
 * in list-sidebar.tsx; both end in the same move.
 */
import {
  DndContext,
  PointerSensor,
  closestCenter,
  useDndMonitor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
} from "@dnd-kit/core";
import { SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import * as React from "react";

import type { ListMove, TaskList } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

/** The draggable ids of the lists themselves (a list is dropped on another's `list:<id>` or `sortlist:<id>`). */
export const LIST_SORT = "sortlist:";
/** Where a dragged task is dropped to move it to a list (components/tasks/sortable-tasks.tsx). */
const TASK_DROP = "list:";

/** Where a list goes when moved one step up or down, or onto another list; null if it cannot go there. */
export function placement(lists: readonly TaskList[], id: string, target: number | string): ListMove | null {
  const from = lists.findIndex((l) => l.id === id);
  const to = typeof target === "number" ? from + target : lists.findIndex((l) => l.id === target);
  if (from < 0 || to < 0 || to >= lists.length || to === from) return null;
  const other = lists[to];
  if (!other) return null;
  // Nothing goes before the Inbox: onto it means first after it.
  if (other.is_inbox) return from === to + 1 ? null : { after: other.id };
  return to < from ? { before: other.id } : { after: other.id };
}

interface RowProps {
  list: TaskList;
  /** Whether a dragged task can be dropped on the list (the desktop sidebar, beside the tasks). */
  taskDrop: boolean;
  className: string;
  children: React.ReactNode;
}

/**
 * A list in the sidebar or the drawer: dragged by the pointer (not the
 * Inbox) onto another list to take its place; on the desktop, also a place
 * to drop a task. Only the pointer starts the drag: the keyboard way is
 * Alt+↑/↓ on the link.
 */
export function ListRow({ list, taskDrop, className, children }: RowProps) {
  const { setNodeRef: attachDrop, isOver } = useDroppable({ id: `${TASK_DROP}${list.id}`, disabled: !taskDrop });
  const {
    setNodeRef: attachSort,
    listeners,
    isDragging,
    transform,
    transition,
  } = useSortable({ id: `${LIST_SORT}${list.id}`, disabled: list.is_inbox });
  const attach = React.useCallback(
    (node: HTMLElement | null) => {
      attachDrop(node);
      attachSort(node);
    },
    [attachDrop, attachSort],
  );
  // The button is released over the dragged list's own link. dnd-kit stops that click's
  // propagation (it is the drop, not a choice), which leaves the browser to follow the link
  // with a full page load: its default is prevented here, before anything else sees it.
  React.useEffect(() => {
    if (!isDragging) return;
    const swallow = (event: MouseEvent) => event.preventDefault();
    window.addEventListener("click", swallow, { capture: true });
    // The click comes right after the release, before any timer.
    return () => void setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
  }, [isDragging]);
  return (
    <div
      ref={attach}
      style={{
        transform: transform ? `translate3d(0, ${Math.round(transform.y)}px, 0)` : undefined,
        transition,
      }}
      onPointerDown={
        list.is_inbox ? undefined : (listeners?.onPointerDown as React.PointerEventHandler<HTMLDivElement> | undefined)
      }
      className={cn(
        className,
        taskDrop && isOver && !isDragging && "ring-2 ring-ring",
        isDragging && "relative z-10 bg-background shadow-md",
      )}
      data-drop-over={taskDrop ? isOver : undefined}
      data-dragging={isDragging}
    >
      {children}
    </div>
  );
}

/** Hears the end of a list's drag in the drag context around it, and says where it was dropped. */
function DropMonitor({
  lists,
  onDrop,
}: {
  lists: readonly TaskList[];
  onDrop: (list: TaskList, targetId: string) => void;
}) {
  useDndMonitor({
    onDragEnd({ active, over }) {
      const id = String(active.id);
      if (!id.startsWith(LIST_SORT) || !over) return;
      const overId = String(over.id);
      const target = overId.startsWith(TASK_DROP)
        ? overId.slice(TASK_DROP.length)
        : overId.startsWith(LIST_SORT)
          ? overId.slice(LIST_SORT.length)
          : null;
      const list = lists.find((l) => l.id === id.slice(LIST_SORT.length));
      if (list && target && target !== list.id) onDrop(list, target);
    },
  });
  return null;
}

/**
 * The lists as a sortable column. The desktop sidebar shares the tasks'
 * drag context (a task can be dropped on a list there); the drawer, which
 * covers the tasks, has a drag context of its own (`standalone`), so its
 * rows never collide with the hidden sidebar's.
 */
export function ListOrder({
  lists,
  standalone,
  onDrop,
  children,
}: {
  lists: readonly TaskList[];
  standalone: boolean;
  onDrop: (list: TaskList, targetId: string) => void;
  children: React.ReactNode;
}) {
  const content = (
    <>
      <DropMonitor lists={lists} onDrop={onDrop} />
      <SortableContext items={lists.map((l) => `${LIST_SORT}${l.id}`)} strategy={verticalListSortingStrategy}>
        {children}
      </SortableContext>
    </>
  );
  return standalone ? <StandaloneOrder lists={lists}>{content}</StandaloneOrder> : content;
}

function StandaloneOrder({ lists, children }: { lists: readonly TaskList[]; children: React.ReactNode }) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));
  const name = (id: string | number) => lists.find((l) => `${LIST_SORT}${l.id}` === String(id))?.name ?? "the list";
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up the list “${name(active.id)}”.`,
    onDragOver: ({ active, over }) =>
      over ? `“${name(active.id)}” is over “${name(over.id)}”.` : `“${name(active.id)}” is over no list.`,
    onDragEnd: ({ active, over }) =>
      over ? `“${name(active.id)}” dropped at “${name(over.id)}”.` : `“${name(active.id)}” dropped.`,
    onDragCancel: ({ active }) => `Moving “${name(active.id)}” was cancelled.`,
  };
  return (
    <DndContext
      id="lists-in-drawer"
      sensors={sensors}
      collisionDetection={closestCenter}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: "Alt with the up and down arrows moves the list." },
      }}
    >
      {children}
    </DndContext>
  );
}
