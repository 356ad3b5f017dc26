"use client";

import { Search, X } from "lucide-react";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ToggleGroup, ToggleGroupItem } from "@/components/ui/toggle-group";
import { COLOR_DOT } from "@/components/lists/list-colors";
import { PRIORITY_LABEL, SORT_CHOICES } from "@/lib/task-format";
import { PRIORITIES, type Priority, type StatusFilter } from "@/lib/api/types";
import type { Label as TaskLabel } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

export interface Filters {
  status: StatusFilter;
  priority: Priority | "all";
  q: string;
  sort: string;
}

export const DEFAULT_FILTERS: Filters = {
  status: "all",
  priority: "all",
  q: "",
  sort: "position:asc",
};

export function isFiltered(filters: Filters): boolean {
  return filters.status !== "all" || filters.priority !== "all" || filters.q !== "";
}

/** Typing settles before a request goes out. */
function useDebounced(value: string, delayMs: number): string {
  const [settled, setSettled] = React.useState(value);
  React.useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
  /** The user's labels, each a filter that can be on or off. */
  labels?: readonly TaskLabel[];
  /** The labels chosen: a task shows when it carries all of them. */
  chosenLabels?: readonly string[];
  onLabelsChange?: (ids: string[]) => void;
  /** Clears every filter, the labels too (the sort stays). */
  onClear?: () => void;
}

export function TaskFilters({
  filters,
  onChange,
  labels = [],
  chosenLabels = [],
  onLabelsChange,
  onClear = () => onChange({ ...DEFAULT_FILTERS, sort: filters.sort }),
}: Props) {
  const filtered = isFiltered(filters) || chosenLabels.length > 0;
  const [search, setSearch] = React.useState(filters.q);
  const settledSearch = useDebounced(search.trim(), 300);

  // Follow a reset from outside ("Clear filters").
  const [seen, setSeen] = React.useState(filters);
  if (filters !== seen) {
    setSeen(filters);
    if (filters.q !== settledSearch) setSearch(filters.q);
  }

  React.useEffect(() => {
    if (settledSearch !== filters.q) onChange({ q: settledSearch });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the typed text settles
  }, [settledSearch]);

  return (
    <section aria-label="Filter and sort tasks" className="grid gap-3">
      <div className="relative">
        <Label htmlFor="task-search" className="sr-only">
          Search tasks
        </Label>
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          id="task-search"
          type="search"
          value={search}
          placeholder="Search titles and descriptions"
          className="pl-9"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ToggleGroup
          type="single"
          aria-label="Status"
          value={filters.status}
          onValueChange={(value) => {
            if (value) onChange({ status: value as StatusFilter });
          }}
        >
          <ToggleGroupItem value="all">All</ToggleGroupItem>
          <ToggleGroupItem value="pending">Pending</ToggleGroupItem>
          <ToggleGroupItem value="completed">Completed</ToggleGroupItem>
        </ToggleGroup>
        {filtered ? (
          <Button variant="ghost" size="sm" onClick={onClear}>
            <X aria-hidden />
            Clear filters
          </Button>
        ) : null}
      </div>
      {labels.length > 0 && onLabelsChange ? (
        <div className="grid gap-1.5">
          <span id="label-filter-heading" className="text-xs text-muted-foreground">
            Labels{chosenLabels.length > 1 ? " (tasks with all of them)" : ""}
          </span>
          <ToggleGroup
            type="multiple"
            aria-labelledby="label-filter-heading"
            value={[...chosenLabels]}
            onValueChange={(ids) => onLabelsChange(ids)}
            className="h-auto flex-wrap justify-start gap-0.5"
          >
            {labels.map((label) => (
              <ToggleGroupItem
                key={label.id}
                value={label.id}
                aria-label={label.name}
                data-testid="label-filter"
                className="h-7 gap-1.5 px-2 text-xs"
              >
                <span className={cn("size-2 shrink-0 rounded-full", COLOR_DOT[label.color])} aria-hidden />
                {label.name}
              </ToggleGroupItem>
            ))}
          </ToggleGroup>
        </div>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor="priority-filter" className="text-xs text-muted-foreground">
            Priority
          </Label>
          <Select
            value={filters.priority}
            onValueChange={(value) => onChange({ priority: value as Filters["priority"] })}
          >
            <SelectTrigger id="priority-filter" aria-label="Filter by priority" className="h-9">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">Any priority</SelectItem>
              {PRIORITIES.map((p) => (
                <SelectItem key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="sort-select" className="text-xs text-muted-foreground">
            Sort
          </Label>
          <Select value={filters.sort} onValueChange={(value) => onChange({ sort: value })}>
            <SelectTrigger id="sort-select" aria-label="Sort tasks" className="h-9">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {SORT_CHOICES.map((choice) => (
                <SelectItem key={choice.value} value={choice.value}>
                  {choice.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>
    </section>
  );
}
