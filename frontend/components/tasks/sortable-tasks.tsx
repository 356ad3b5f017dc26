"use client";

import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import * as React from "react";

import { LIST_SORT } from "@/components/lists/list-sidebar";
import { MAX_DEPTH, type TaskBoardState } from "@/hooks/use-task-board";
import type { Task } from "@/lib/tasks-api";

/** Drop targets in the sidebar are named `list:<id>` (components/lists/list-sidebar.tsx). */
export const LIST_TARGET = "list:";

/** A sidebar list under the pointer wins; otherwise the nearest row. */
const collisions: CollisionDetection = (args) => {
  const onList = pointerWithin({
    ...args,
    droppableContainers: args.droppableContainers.filter((c) => String(c.id).startsWith(LIST_TARGET)),
  });
  if (onList.length > 0) return onList;
  return closestCenter({
    ...args,
    droppableContainers: args.droppableContainers.filter((c) => !String(c.id).startsWith(LIST_TARGET)),
  });
};

/** How far right (or left) a row must be dropped to go under a task (or up a level), in pixels. */
const INDENT_DISTANCE = 48;

interface Props {
  board: TaskBoardState;
  /** The siblings, in the order shown. */
  tasks: readonly Task[];
  depth: number;
  parent?: Task;
  /** In the order chosen by hand: only then does dropping between rows mean something. */
  ordered: boolean;
  children: React.ReactNode;
}

/**
 * Drag-and-drop (dnd-kit) among siblings: drop between rows to reorder,
 * drop on a row further right to put the task under it (or under the row
 * above when dropped in place), drop further left to take it up a level.
 * A row's handle can be picked up from the keyboard too (Space, arrows,
 * Space), and dnd-kit says each step in its own live region.
 */
export function SortableTasks({ board, tasks, depth, parent, ordered, children }: Props) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const byId = React.useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const title = (id: string | number) => {
    const key = String(id);
    // A sidebar list: a drop target for tasks, or itself dragged to reorder the lists.
    for (const prefix of [LIST_TARGET, LIST_SORT])
      if (key.startsWith(prefix))
        return `the list ${board.lists.data?.find((l) => `${prefix}${l.id}` === key)?.name ?? ""}`.trim();
    return byId.get(key)?.title ?? "the task";
  };

  function onDragEnd({ active, over, delta }: DragEndEvent) {
    const task = byId.get(String(active.id));
    if (!task) return;
    const index = tasks.indexOf(task);
    if (over && String(over.id).startsWith(LIST_TARGET)) {
      void board.moveToList(task, String(over.id).slice(LIST_TARGET.length));
      return;
    }
    const target = over ? byId.get(String(over.id)) : undefined;
    if (delta.x > INDENT_DISTANCE) {
      const newParent = target && target.id !== task.id ? target : tasks[index - 1];
      void board.indent(task, depth < MAX_DEPTH ? newParent : undefined);
      return;
    }
    if (delta.x < -INDENT_DISTANCE) {
      void board.outdent(task, parent);
      return;
    }
    if (!ordered || !target || target.id === task.id) return;
    void board.placeNextTo(task, target, tasks.indexOf(target) < index ? "before" : "after");
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up “${title(active.id)}”.`,
    onDragOver: ({ active, over }) =>
      over ? `“${title(active.id)}” is over “${title(over.id)}”.` : `“${title(active.id)}” is over no task.`,
    onDragEnd: ({ active, over }) =>
      over ? `“${title(active.id)}” dropped at “${title(over.id)}”.` : `“${title(active.id)}” dropped.`,
    onDragCancel: ({ active }) => `Moving “${title(active.id)}” was cancelled.`,
  };

  return (
    <DndContext
      id={`tasks-under-${parent?.id ?? "top"}`}
      sensors={sensors}
      collisionDetection={collisions}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "Press Space to pick the task up, the up and down arrows to move it among its siblings, Space to drop it, Escape to cancel. Alt with the arrow keys moves it at once, and indents or outdents it.",
        },
      }}
    >
      <SortableContext items={tasks.map((t) => t.id)} strategy={verticalListSortingStrategy} disabled={!ordered}>
        {children}
      </SortableContext>
    </DndContext>
  );
}
