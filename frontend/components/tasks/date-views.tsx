"use client";

import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type ClientRect,
  type CollisionDetection,
  type DragEndEvent,
  type DroppableContainer,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { CalendarCheck, Loader2 } from "lucide-react";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { UPCOMING_DAYS, type TaskBoardState } from "@/hooks/use-task-board";
import type { Task } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";
import { dayName, daySections, isOverdueIn, todayIn, type DayKey } from "@/lib/zoned-date";

import { TaskEditor } from "./task-editor";
import { TaskItem, type TreeControls } from "./task-item";
import { ErrorState, LoadingRows, RefreshFailed } from "./task-list-states";

/** Drop targets in Upcoming are named `day:<YYYY-MM-DD>`. */
const DAY_TARGET = "day:";

/**
 * Today and Upcoming: open tasks from every list, by due date in the user's
 * time zone. Today puts the overdue ones first, under a heading of their
 * own; Upcoming shows the next seven days as sections, and a task dragged to
 * another day is due that day.
 */
export function DateView({ board }: { board: TaskBoardState }) {
  const { list } = board;
  const loading = list.isFetching && !list.isFetchingNextPage;
  // A failed "Load more" keeps the pages already shown (a toast says why);
  // a failed background re-read keeps the tasks too (RefreshFailed).
  const failed = list.isError && !list.isFetchNextPageError && !list.isRefetchError;
  const staleAfterError = list.isRefetchError && !list.isFetching;
  return (
    <section
      aria-label="Tasks"
      aria-busy={loading}
      className={cn("grid gap-4 transition-opacity", list.isPlaceholderData && "opacity-60")}
      data-view={board.view}
    >
      {staleAfterError && list.error ? <RefreshFailed error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isPending ? (
        <LoadingRows />
      ) : failed ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : board.view === "upcoming" ? (
        <Upcoming board={board} />
      ) : (
        <Today board={board} />
      )}
      {!failed && list.hasNextPage ? (
        <Button
          variant="outline"
          className="justify-self-center"
          onClick={board.loadMore}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? <Loader2 className="animate-spin" aria-hidden /> : null}
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
    </section>
  );
}

function Today({ board }: { board: TaskBoardState }) {
  const tasks = board.list.tasks;
  const overdue = tasks.filter((t) => isOverdueIn(t, board.zone));
  const today = tasks.filter((t) => !isOverdueIn(t, board.zone));
  if (tasks.length === 0) {
    return (
      <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center">
        <CalendarCheck className="size-10 text-muted-foreground" aria-hidden />
        <p className="font-medium">Nothing due today</p>
        <p className="text-sm text-muted-foreground">Enjoy the free time, or add a task above: it is due today.</p>
      </div>
    );
  }
  return (
    <>
      {overdue.length > 0 ? (
        <DaySection id="overdue" heading="Overdue" count={overdue.length} danger>
          {overdue.map((task) => (
            <li key={task.id}>
              <ViewRow board={board} task={task} />
            </li>
          ))}
        </DaySection>
      ) : null}
      <DaySection id="today" heading="Today" count={today.length}>
        {today.map((task) => (
          <ViewRow key={task.id} board={board} task={task} />
        ))}
      </DaySection>
    </>
  );
}

/** The day sections' rects, top to bottom. */
function dayRects(containers: readonly DroppableContainer[], rects: Map<UniqueIdentifier, ClientRect>) {
  return containers
    .flatMap((c) => {
      const rect = rects.get(c.id);
      return rect ? [{ container: c, rect }] : [];
    })
    .sort((a, b) => a.rect.top - b.rect.top);
}

/** Where a dragged row's top edge is read: a little below it, inside the day it is over. */
const EDGE = 4;

/**
 * With a pointer, the day under it (else the one the row overlaps most);
 * from the keyboard, the day the dragged row's top edge is in (↑ and ↓ put
 * it there).
 */
const collisions: CollisionDetection = (args) => {
  if (args.pointerCoordinates) {
    const under = pointerWithin(args);
    return under.length > 0 ? under : rectIntersection(args);
  }
  const y = args.collisionRect.top + EDGE;
  const hit = dayRects(args.droppableContainers, args.droppableRects).find(
    ({ rect }) => y >= rect.top && y <= rect.bottom,
  );
  return hit
    ? [{ id: hit.container.id, data: { droppableContainer: hit.container, value: 0 } }]
    : rectIntersection(args);
};

/** From the keyboard, ↑ and ↓ move a picked-up task a whole day at a time. */
const dayByDay: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  if (event.code !== "ArrowDown" && event.code !== "ArrowUp") return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers } = context;
  if (!collisionRect) return undefined;
  const days = dayRects(droppableContainers.getEnabled(), droppableRects);
  const y = collisionRect.top + EDGE;
  let at = days.findIndex(({ rect }) => y >= rect.top && y <= rect.bottom);
  if (at < 0) at = days.filter(({ rect }) => rect.top <= y).length - 1;
  const target = days[at + (event.code === "ArrowDown" ? 1 : -1)];
  return target ? { x: currentCoordinates.x, y: target.rect.top } : undefined;
};

function Upcoming({ board }: { board: TaskBoardState }) {
  const today = todayIn(board.zone);
  const sections = daySections(board.list.tasks, today, UPCOMING_DAYS, board.zone);
  const byId = React.useMemo(() => new Map(board.list.tasks.map((t) => [t.id, t])), [board.list.tasks]);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: dayByDay }),
  );
  const title = (id: string | number) => byId.get(String(id))?.title ?? "the task";
  const day = (id: string | number) => dayName(String(id).slice(DAY_TARGET.length), today);

  function onDragEnd({ active, over }: DragEndEvent) {
    const task = byId.get(String(active.id));
    if (!task || !over || !String(over.id).startsWith(DAY_TARGET)) return;
    void board.moveToDate(task, String(over.id).slice(DAY_TARGET.length));
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up “${title(active.id)}”.`,
    onDragOver: ({ active, over }) =>
      over ? `“${title(active.id)}” is over ${day(over.id)}.` : `“${title(active.id)}” is over no day.`,
    onDragEnd: ({ active, over }) =>
      over ? `“${title(active.id)}” dropped on ${day(over.id)}.` : `“${title(active.id)}” dropped.`,
    onDragCancel: ({ active }) => `Moving “${title(active.id)}” was cancelled.`,
  };

  return (
    <DndContext
      id="upcoming-days"
      sensors={sensors}
      collisionDetection={collisions}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "Press Space to pick the task up, the up and down arrows to move it to another day, Space to drop it there, Escape to cancel.",
        },
      }}
    >
      {sections.map((section) => (
        <DayDrop key={section.day} day={section.day} heading={dayName(section.day, today)} count={section.tasks.length}>
          {section.tasks.map((task) => (
            <DraggableRow key={task.id} board={board} task={task} />
          ))}
        </DayDrop>
      ))}
    </DndContext>
  );
}

interface SectionProps {
  id: string;
  heading: string;
  count: number;
  danger?: boolean;
  children: React.ReactNode;
}

function DaySection({ id, heading, count, danger, children }: SectionProps) {
  const headingId = `section-${id}`;
  return (
    <section aria-labelledby={headingId} className="grid gap-2" data-testid="day-section" data-section={id}>
      <h3 id={headingId} className={cn("text-sm font-semibold", danger && "text-destructive")}>
        {heading} <span className="font-normal text-muted-foreground">· {count}</span>
      </h3>
      {count > 0 ? <ul className="grid gap-2">{children}</ul> : null}
    </section>
  );
}

/** One of Upcoming's days: a drop target, compact when nothing is due. */
function DayDrop({
  day,
  heading,
  count,
  children,
}: {
  day: DayKey;
  heading: string;
  count: number;
  children: React.ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: `${DAY_TARGET}${day}` });
  const headingId = `day-${day}`;
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-testid="day-section"
      data-day={day}
      data-over={isOver || undefined}
      className={cn(
        "grid gap-2 rounded-lg border border-transparent p-1 transition-colors",
        count === 0 && "py-0.5",
        isOver && "border-ring bg-accent/50",
      )}
    >
      <h3
        id={headingId}
        className={cn("flex items-baseline gap-2 text-sm font-semibold", count === 0 && "text-muted-foreground")}
      >
        {heading}
        <span className="text-xs font-normal text-muted-foreground">
          {count === 0 ? "Nothing planned" : count === 1 ? "1 task" : `${count} tasks`}
        </span>
      </h3>
      {count > 0 ? <ul className="grid gap-2">{children}</ul> : null}
    </section>
  );
}

/** A task in a date view: flat (no subtasks under it), editable in place. */
function ViewRow({ board, task, drag }: { board: TaskBoardState; task: Task; drag?: TreeControls["drag"] }) {
  if (board.editingId === task.id) {
    return (
      <TaskEditor
        key={`${task.id}:${board.editorGeneration}`}
        task={task}
        onSave={(draft) => board.save(task, draft)}
        onCancel={board.cancelEditing}
        labels={board.labels.data ?? []}
        onCreateLabel={board.createLabel}
        zone={board.zone}
      />
    );
  }
  return (
    <TaskItem
      task={task}
      busy={board.busyIds.has(task.id)}
      onToggle={board.toggle}
      onEdit={board.startEditing}
      onDelete={board.remove}
      labels={task.labels.flatMap((id) => board.labelsById.get(id) ?? [])}
      zone={board.zone}
      drag={drag}
    />
  );
}

function DraggableRow({ board, task }: { board: TaskBoardState; task: Task }) {
  const editing = board.editingId === task.id;
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging, transform } = useDraggable({
    id: task.id,
    disabled: editing,
  });
  return (
    <li
      ref={setNodeRef}
      style={{
        transform: transform ? `translate3d(${Math.round(transform.x)}px, ${Math.round(transform.y)}px, 0)` : undefined,
      }}
      className={cn(isDragging && "relative z-10")}
    >
      <ViewRow
        board={board}
        task={task}
        drag={editing ? undefined : { attributes, listeners, attachHandle: setActivatorNodeRef, isDragging }}
      />
    </li>
  );
}
