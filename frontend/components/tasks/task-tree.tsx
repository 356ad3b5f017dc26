"use client";

import { useSortable } from "@dnd-kit/sortable";
import { Loader2 } from "lucide-react";

import type { TaskBoardState } from "@/hooks/use-task-board";
import { MAX_DEPTH } from "@/hooks/use-task-board";
import { useTaskList } from "@/hooks/use-tasks";
import type { Task, TaskQuery } from "@/lib/tasks-api";

import { SortableTasks } from "./sortable-tasks";
import { SubtaskComposer } from "./subtask-composer";
import { TaskEditor } from "./task-editor";
import { TaskItem } from "./task-item";

interface NodeProps {
  board: TaskBoardState;
  task: Task;
  depth: number;
  /** The tasks shown at the same level, in order (indent goes under the one above). */
  siblings: readonly Task[];
  /** The task's parent, when it is a subtask. */
  parent?: Task;
  /** Whether the siblings are in the order chosen by hand, so moving up and down means something. */
  ordered: boolean;
}

/** One task, its controls, and (when shown) its subtasks below it. */
export function TaskNode({ board, task, depth, siblings, parent, ordered }: NodeProps) {
  const expanded = !board.collapsed.has(task.id);
  const adding = board.addingSubtaskTo === task.id;
  const subtasksId = `subtasks-of-${task.id}`;
  const above = siblings[siblings.findIndex((t) => t.id === task.id) - 1];
  const canIndent = depth < MAX_DEPTH && !!above;
  const {
    setNodeRef: attachRow,
    setActivatorNodeRef: attachHandle,
    attributes,
    listeners,
    isDragging,
    transform,
    transition,
  } = useSortable({ id: task.id, disabled: !ordered || board.editingId === task.id });
  return (
    <li
      ref={attachRow}
      style={{
        transform: transform ? `translate3d(${Math.round(transform.x)}px, ${Math.round(transform.y)}px, 0)` : undefined,
        transition,
      }}
    >
      {board.editingId === task.id ? (
        <TaskEditor
          key={`${task.id}:${board.editorGeneration}`}
          task={task}
          onSave={(draft) => board.save(task, draft)}
          onCancel={board.cancelEditing}
          labels={board.labels.data ?? []}
          onCreateLabel={board.createLabel}
          zone={board.zone}
        />
      ) : (
        <TaskItem
          task={task}
          busy={board.busyIds.has(task.id)}
          onToggle={board.toggle}
          onEdit={board.startEditing}
          onDelete={board.remove}
          labels={task.labels.flatMap((id) => board.labelsById.get(id) ?? [])}
          zone={board.zone}
          tree={{
            depth,
            subtasksId,
            expanded,
            onExpandedChange: (open) => board.setExpanded(task.id, open),
            onAddSubtask: depth < MAX_DEPTH ? () => board.startAddingSubtask(task) : undefined,
            onIndent: canIndent ? () => void board.indent(task, above) : undefined,
            onOutdent: parent ? () => void board.outdent(task, parent) : undefined,
            drag: ordered
              ? {
                  attributes,
                  listeners,
                  attachHandle,
                  isDragging,
                }
              : undefined,
            focusRequested: board.focusId === task.id,
            onFocused: board.focused,
            onMoveKey: (key) => {
              if (key === "in") void board.indent(task, depth < MAX_DEPTH ? above : undefined);
              else if (key === "out") void board.outdent(task, parent);
              else if (ordered) void board.reorder(task, siblings, key === "up" ? -1 : 1);
              else board.sayNotOrdered();
            },
          }}
        />
      )}
      {(expanded && task.subtasks.total > 0) || adding ? (
        <div id={subtasksId} className="mt-2 ml-4 grid gap-2 border-l pl-3 sm:ml-6 sm:pl-4">
          {task.subtasks.total > 0 ? <Subtasks board={board} parent={task} depth={depth + 1} /> : null}
          {adding ? (
            <SubtaskComposer
              parent={task}
              onAdd={(title) => board.addSubtask(task, title)}
              onClose={board.stopAddingSubtask}
            />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** A parent's direct subtasks, in the order chosen by hand; read when first shown. */
function Subtasks({ board, parent, depth }: { board: TaskBoardState; parent: Task; depth: number }) {
  const query: TaskQuery = { parent_id: parent.id, sort: "position", order: "asc", limit: 100 };
  const list = useTaskList(board.userId, query);
  if (list.isPending) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
        <Loader2 className="size-4 animate-spin" aria-hidden />
        Loading subtasks…
      </p>
    );
  }
  if (list.isError && list.tasks.length === 0) {
    return (
      <p className="text-sm text-destructive" role="alert">
        The subtasks could not be loaded: {list.error.message}
      </p>
    );
  }
  return (
    <SortableTasks board={board} tasks={list.tasks} depth={depth} parent={parent} ordered>
      <ul className="grid gap-2" aria-label={`Subtasks of ${parent.title}`}>
        {list.tasks.map((task) => (
          <TaskNode
            key={task.id}
            board={board}
            task={task}
            depth={depth}
            siblings={list.tasks}
            parent={parent}
            ordered
          />
        ))}
      </ul>
    </SortableTasks>
  );
}
