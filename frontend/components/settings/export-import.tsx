"use client";

/**
 * Settings › Export and import: the export downloaded as JSON or CSV (read
 * with the bearer token through the same-origin proxy, then saved under the
 * API's file name), and an import: a file chosen, a preview of what it holds
 * (read here), then the API's report of what it created and skipped.
 */
import { useQueryClient } from "@tanstack/react-query";
import { Download, Loader2, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/sonner";
import { useTasksApi } from "@/hooks/use-tasks";
import { apiTokens } from "@/lib/api-token";
import { formatOf, previewImport, type ImportPreview } from "@/lib/import-preview";
import { ApiError, type ExportFormat, type ImportNote, type ImportReport } from "@/lib/tasks-api";

/** The API takes up to 10 MB. */
const MAX_BYTES = 10 * 1024 * 1024;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("unexpected", "Something went wrong. Please try again.");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Saves a blob under a name, as a download. */
function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the file over.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function where(note: ImportNote): string {
  if (note.line != null) return `Line ${note.line}`;
  if (note.pointer) return note.pointer;
  return "File";
}

function describePreview(preview: ImportPreview): string {
  if ("problem" in preview) return preview.problem;
  if (preview.format === "json") {
    return `${plural(preview.lists, "list")}, ${plural(preview.labels, "label")}, ${plural(preview.tasks, "task")} and ${plural(preview.completions, "completion")}.`;
  }
  if (preview.tasks === null) return `${plural(preview.rows, "row")}.`;
  return `${plural(preview.rows, "row")}: ${plural(preview.tasks, "task")}, ${plural(preview.sections ?? 0, "section")}, ${plural(preview.notes ?? 0, "note")}.`;
}

export function ExportImport({ userId }: { userId: string }) {
  const api = useTasksApi(userId);
  const client = useQueryClient();
  const router = useRouter();
  const [exporting, setExporting] = React.useState<ExportFormat | null>(null);
  const [file, setFile] = React.useState<File | null>(null);
  const [preview, setPreview] = React.useState<ImportPreview | null>(null);
  const [importing, setImporting] = React.useState(false);
  const [report, setReport] = React.useState<ImportReport | null>(null);
  const [problem, setProblem] = React.useState<string | null>(null);
  // A Todoist CSV: the list for the tasks before its first section (the API's default name).
  const [listName, setListName] = React.useState("Todoist import");
  const inputId = React.useId();
  const listNameId = React.useId();

  const signedOut = () => {
    apiTokens.clear();
    router.replace("/sign-in?next=/settings");
  };

  async function download(format: ExportFormat) {
    setExporting(format);
    try {
      const { blob, filename } = await api.exportData(format);
      save(blob, filename);
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "signed_out") signedOut();
      else toast.error("Could not export", { description: error.message });
    } finally {
      setExporting(null);
    }
  }

  async function choose(chosen: File | null) {
    setFile(chosen);
    setReport(null);
    setProblem(null);
    setPreview(null);
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      setPreview({ format: formatOf(chosen), problem: "This file is larger than 10 MB, the most an import takes." });
      return;
    }
    setPreview(previewImport(await chosen.text(), formatOf(chosen)));
  }

  async function runImport() {
    if (!file || !preview || "problem" in preview) return;
    setImporting(true);
    setProblem(null);
    try {
      const result = await api.importData(file, preview.format, listName.trim() || undefined);
      setReport(result);
      // New lists, labels and tasks everywhere.
      void client.invalidateQueries();
    } catch (e) {
      const error = asApiError(e);
      if (error.kind === "signed_out") signedOut();
      else {
        const details = (error.problem?.errors ?? []).map((f) => `${f.field}: ${f.message}`);
        setProblem([error.message, ...details].join(" "));
      }
    } finally {
      setImporting(false);
    }
  }

  const canImport = !!file && !!preview && !("problem" in preview) && !importing;
  return (
    <div className="grid gap-6">
      <div className="grid gap-2">
        <h3 className="text-sm font-medium">Export</h3>
        <p className="text-sm text-muted-foreground">
          Everything you have: lists, labels, tasks with their subtasks, completion history and preferences (JSON), or
          one row per task (CSV).
        </p>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" disabled={exporting !== null} onClick={() => void download("json")}>
            {exporting === "json" ? <Loader2 className="animate-spin" aria-hidden /> : <Download aria-hidden />}
            Download JSON
          </Button>
          <Button variant="outline" disabled={exporting !== null} onClick={() => void download("csv")}>
            {exporting === "csv" ? <Loader2 className="animate-spin" aria-hidden /> : <Download aria-hidden />}
            Download CSV
          </Button>
        </div>
      </div>
      <div className="grid gap-2">
        <h3 className="text-sm font-medium">Import</h3>
        <p className="text-sm text-muted-foreground">
          A JSON export of this app, or a Todoist project exported as CSV. Lists and labels with the same name are
          merged; tasks are always added.
        </p>
        <Label htmlFor={inputId}>File to import</Label>
        <input
          id={inputId}
          type="file"
          accept=".json,.csv,application/json,text/csv"
          className="text-sm file:mr-3 file:rounded-md file:border file:border-input file:bg-background file:px-3 file:py-1.5 file:text-sm"
          onChange={(e) => void choose(e.target.files?.[0] ?? null)}
          data-testid="import-file"
        />
        {preview ? (
          <p
            className={"problem" in preview ? "text-sm text-destructive" : "text-sm"}
            role="status"
            data-testid="import-preview"
          >
            {"problem" in preview ? null : <span className="font-medium">To import: </span>}
            {describePreview(preview)}
          </p>
        ) : null}
        {preview && preview.format === "csv" && !("problem" in preview) ? (
          <div className="grid max-w-sm gap-1">
            <Label htmlFor={listNameId}>List for the tasks before the first section</Label>
            <Input id={listNameId} value={listName} maxLength={100} onChange={(e) => setListName(e.target.value)} />
          </div>
        ) : null}
        <div>
          <Button disabled={!canImport} onClick={() => void runImport()}>
            {importing ? <Loader2 className="animate-spin" aria-hidden /> : <Upload aria-hidden />}
            Import
          </Button>
        </div>
        {problem ? (
          <p className="text-sm text-destructive" role="alert" data-testid="import-problem">
            Nothing was imported. {problem}
          </p>
        ) : null}
        {report ? (
          <section
            aria-label="Import report"
            className="grid gap-2 rounded-lg border p-3 text-sm"
            data-testid="import-report"
          >
            <p role="status">
              Imported {plural(report.created.lists, "list")}, {plural(report.created.labels, "label")},{" "}
              {plural(report.created.tasks, "task")} and {plural(report.created.completions, "completion")}.
            </p>
            {report.skipped.length > 0 ? (
              <div>
                <h4 className="font-medium">Skipped ({report.skipped.length})</h4>
                <ul className="list-disc pl-5">
                  {report.skipped.map((note, i) => (
                    <li key={i}>
                      {where(note)}: {note.reason}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {report.warnings.length > 0 ? (
              <div>
                <h4 className="font-medium">Warnings ({report.warnings.length})</h4>
                <ul className="list-disc pl-5">
                  {report.warnings.map((note, i) => (
                    <li key={i}>
                      {where(note)}: {note.reason}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}
