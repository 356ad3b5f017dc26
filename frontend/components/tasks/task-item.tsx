"use client";

import type { DraggableAttributes, DraggableSyntheticListeners } from "@dnd-kit/core";
import {
  CalendarClock,
  GripVertical,
  ChevronRight,
  IndentDecrease,
  IndentIncrease,
  ListPlus,
  Pencil,
  Repeat,
  Trash2,
} from "lucide-react";
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
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { PRIORITY_LABEL } from "@/lib/task-format";
import { describeRecurrence } from "@/lib/recurrence/describe";
import { browserZone, dueInWords, isOverdueIn } from "@/lib/zoned-date";
import { COLOR_DOT } from "@/components/lists/list-colors";
import {
  chooseRangeTo,
  toggleChosen,
  useCheckMode,
  useIsTaskChosen,
  useIsTaskSelected,
} from "@/hooks/use-task-selection";
import type { Label as TaskLabel, Task } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

interface Props {
  task: Task;
  busy: boolean;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
  /** The task's labels, as chips. */
  labels?: readonly TaskLabel[];
  /** Where the task sits in its tree, and what can be done there; absent controls are not offered. */
  tree?: TreeControls;
  /** The user's time zone: the due date is shown (and is overdue) in it. */
  zone?: string;
  /** A drag handle outside a tree (Upcoming: a task dragged to another day). */
  drag?: TreeControls["drag"];
}

export interface TreeControls {
  depth: number;
  /** The id of the element that holds the subtasks (for aria-controls). */
  subtasksId: string;
  expanded: boolean;
  onExpandedChange: (expanded: boolean) => void;
  onAddSubtask?: () => void;
  onIndent?: () => void;
  onOutdent?: () => void;
  /** Alt+↑/↓ (move among siblings), Alt+→/← (indent, outdent): the keyboard's way to drag. */
  onMoveKey?: (key: "up" | "down" | "in" | "out") => void;
  /** Set after a move: the row takes the focus back (it may have been rebuilt elsewhere in the tree). */
  focusRequested?: boolean;
  onFocused?: () => void;
  /** The drag handle's wiring (dnd-kit), when the row can be dragged. */
  drag?: {
    attributes: DraggableAttributes;
    listeners: DraggableSyntheticListeners;
    /** Attaches the handle: it is what dnd-kit listens to and moves the focus back to. */
    attachHandle: (element: HTMLElement | null) => void;
    isDragging: boolean;
  };
}

const MOVE_KEYS: Record<string, "up" | "down" | "in" | "out"> = {
  ArrowUp: "up",
  ArrowDown: "down",
  ArrowRight: "in",
  ArrowLeft: "out",
};

const priorityVariant = { low: "secondary", medium: "default", high: "warning" } as const;

export function TaskItem({ task, busy, onToggle, onEdit, onDelete, labels = [], tree, zone, drag: ownDrag }: Props) {
  const shownIn = zone ?? browserZone();
  // The keyboard's selection (j / k; x, e, t… act on it): highlighted.
  const selected = useIsTaskSelected(task.id);
  // Multi-select (the bulk bar acts on the tasks chosen): a Select checkbox in checkbox mode, Shift+click.
  const checkMode = useCheckMode();
  const chosen = useIsTaskChosen(task.id);
  const onClick = (event: React.MouseEvent) => {
    if (!event.shiftKey || (event.target as Element).closest("button, a, input, [role=checkbox]")) return;
    event.preventDefault();
    chooseRangeTo(task.id);
  };
  const overdue = isOverdueIn(task, shownIn);
  const drag = tree?.drag ?? ownDrag;
  const checkboxId = `done-${task.id}`;
  const onKeyDown = (event: React.KeyboardEvent) => {
    const key = MOVE_KEYS[event.key];
    if (!key || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || busy || !tree?.onMoveKey) return;
    event.preventDefault();
    tree.onMoveKey(key);
  };
  const { subtasks } = task;
  const rowRef = React.useRef<HTMLElement>(null);
  const focusRequested = tree?.focusRequested ?? false;
  const onFocused = tree?.onFocused;
  React.useEffect(() => {
    if (!focusRequested) return;
    rowRef.current?.focus();
    onFocused?.();
  }, [focusRequested, onFocused]);
  return (
    <article
      ref={rowRef}
      tabIndex={-1}
      aria-label={task.title}
      aria-keyshortcuts={tree?.onMoveKey ? "Alt+ArrowUp Alt+ArrowDown Alt+ArrowRight Alt+ArrowLeft" : undefined}
      data-testid="task"
      data-task-id={task.id}
      data-selected={selected || undefined}
      data-chosen={chosen || undefined}
      data-depth={tree?.depth ?? 0}
      data-completed={task.completed}
      data-overdue={overdue}
      onKeyDown={onKeyDown}
      onClick={onClick}
      // Shift+click chooses a range: no text selection with it.
      onMouseDown={(event) => {
        if (event.shiftKey) event.preventDefault();
      }}
      className={cn(
        "group flex items-start gap-3 rounded-lg border bg-card p-3 outline-none focus-visible:ring-2 focus-visible:ring-ring sm:p-4",
        overdue && "border-destructive/60 bg-destructive/5",
        selected && "border-primary ring-2 ring-primary/40",
        chosen && "bg-primary/5",
        busy && "opacity-60",
        drag?.isDragging && "relative z-10 shadow-lg",
      )}
    >
      {drag ? (
        <DragHandle
          attachHandle={drag.attachHandle}
          attributes={drag.attributes}
          listeners={drag.listeners}
          label={`Drag "${task.title}"`}
          disabled={busy}
        />
      ) : null}
      {checkMode ? (
        <Checkbox
          className="mt-0.5 rounded-full"
          checked={chosen}
          onCheckedChange={() => toggleChosen(task.id)}
          onClick={(event) => {
            // Shift+click on a Select box chooses the range up to it.
            if (!event.shiftKey) return;
            event.preventDefault();
            chooseRangeTo(task.id);
          }}
          aria-label={`Select "${task.title}"`}
          data-testid="choose-task"
        />
      ) : null}
      <Checkbox
        id={checkboxId}
        className="mt-0.5"
        checked={task.completed}
        disabled={busy}
        onCheckedChange={() => onToggle(task)}
        aria-label={task.completed ? `Mark "${task.title}" as not done` : `Mark "${task.title}" as done`}
      />
      <div className="min-w-0 flex-1">
        <h3
          className={cn(
            "font-medium break-words",
            task.completed && "text-muted-foreground line-through decoration-muted-foreground/60",
          )}
        >
          {task.title}
        </h3>
        {task.description ? (
          <p className="mt-1 text-sm whitespace-pre-line break-words text-muted-foreground">{task.description}</p>
        ) : null}
        <div className="mt-2 flex flex-wrap items-center gap-1.5">
          <Badge variant={priorityVariant[task.priority]}>{PRIORITY_LABEL[task.priority]} priority</Badge>
          {tree && subtasks.total > 0 ? (
            <button
              type="button"
              className="inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring"
              aria-expanded={tree.expanded}
              aria-controls={tree.subtasksId}
              onClick={() => tree.onExpandedChange(!tree.expanded)}
            >
              <ChevronRight
                aria-hidden
                className={cn("size-3 motion-safe:transition-transform", tree.expanded && "rotate-90")}
              />
              {subtasks.completed}/{subtasks.total} subtasks
              <span className="sr-only"> of “{task.title}” done</span>
            </button>
          ) : null}
          {labels.map((label) => (
            <Badge key={label.id} variant="outline" data-testid="label-chip">
              <span className={cn("size-2 rounded-full", COLOR_DOT[label.color])} aria-hidden />
              {label.name}
            </Badge>
          ))}
          {task.due_at ? (
            <Badge variant={overdue ? "destructive" : "secondary"} data-testid="due" data-overdue={overdue}>
              <CalendarClock className="size-3" aria-hidden />
              {overdue ? "Overdue · " : "Due "}
              {dueInWords(task, shownIn)}
            </Badge>
          ) : null}
          {task.recurrence ? (
            <span className="inline-flex items-center gap-1 text-xs text-muted-foreground" data-testid="repeats">
              <Repeat className="size-3" aria-hidden />
              <span className="sr-only">Repeats: </span>
              {describeRecurrence(task.recurrence, task.recurrence_basis)}
            </span>
          ) : null}
        </div>
      </div>
      <div className="flex shrink-0 flex-wrap justify-end gap-1">
        {tree?.onAddSubtask ? (
          <Button
            variant="ghost"
            size="icon"
            disabled={busy}
            onClick={tree.onAddSubtask}
            aria-label={`Add a subtask to "${task.title}"`}
          >
            <ListPlus aria-hidden />
          </Button>
        ) : null}
        {tree?.onOutdent ? (
          <Button
            variant="ghost"
            size="icon"
            className="hidden sm:inline-flex"
            disabled={busy}
            onClick={tree.onOutdent}
            aria-label={`Outdent "${task.title}"`}
          >
            <IndentDecrease aria-hidden />
          </Button>
        ) : null}
        {tree?.onIndent ? (
          <Button
            variant="ghost"
            size="icon"
            className="hidden sm:inline-flex"
            disabled={busy}
            onClick={tree.onIndent}
            aria-label={`Indent "${task.title}"`}
          >
            <IndentIncrease aria-hidden />
          </Button>
        ) : null}
        <Button
          variant="ghost"
          size="icon"
          disabled={busy}
          onClick={() => onEdit(task)}
          aria-label={`Edit "${task.title}"`}
        >
          <Pencil aria-hidden />
        </Button>
        <AlertDialog>
          <AlertDialogTrigger asChild>
            <Button
              variant="ghost"
              size="icon"
              disabled={busy}
              aria-label={`Delete "${task.title}"`}
              data-action="delete"
            >
              <Trash2 aria-hidden />
            </Button>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>Delete this task?</AlertDialogTitle>
              <AlertDialogDescription>
                “{task.title}”{task.subtasks.total > 0 ? " and its subtasks" : ""} will go to the trash. You can undo
                this, or restore it from the trash for 30 days.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel>Keep it</AlertDialogCancel>
              <AlertDialogAction variant="destructive" onClick={() => onDelete(task)}>
                Delete task
              </AlertDialogAction>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
      </div>
    </article>
  );
}

interface DragHandleProps {
  attachHandle: (element: HTMLElement | null) => void;
  attributes: DraggableAttributes;
  listeners: DraggableSyntheticListeners;
  label: string;
  disabled: boolean;
}

/** The row's grip: a pointer drags from it, and the keyboard picks the row up with Space. */
function DragHandle({ attachHandle, attributes, listeners, label, disabled }: DragHandleProps) {
  return (
    <button
      type="button"
      ref={attachHandle}
      {...attributes}
      {...listeners}
      aria-label={label}
      disabled={disabled}
      className="-ml-1 flex h-5 w-4 shrink-0 cursor-grab touch-none items-center justify-center self-start rounded text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring active:cursor-grabbing sm:h-6"
    >
      <GripVertical className="size-4" aria-hidden />
    </button>
  );
}
