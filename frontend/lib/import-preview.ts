/**
 * What an import file holds, read in the browser before anything is sent:
 * the counts of a JSON export of this app, or the rows of a CSV (Todoist's
 * template: tasks, sections, notes). Only a preview: the API validates the
 * whole file again and reports every row it skips.
 */
import type { ExportFormat } from "./tasks-api";

export type ImportPreview =
  | {
      format: "json";
      lists: number;
      labels: number;
      tasks: number;
      completions: number;
    }
  | {
      format: "csv";
      /** Data rows (the header not counted, blank lines left out). */
      rows: number;
      /** With a TYPE column (Todoist): rows by type. */
      tasks: number | null;
      sections: number | null;
      notes: number | null;
    }
  | { format: ExportFormat | null; problem: string };

/** JSON or CSV, by the file's type or, failing that, its name. */
export function formatOf(file: { name: string; type: string }): ExportFormat | null {
  const type = file.type.toLowerCase();
  const name = file.name.toLowerCase();
  if (type.includes("json") || name.endsWith(".json")) return "json";
  if (type.includes("csv") || name.endsWith(".csv")) return "csv";
  return null;
}

export function previewImport(text: string, format: ExportFormat | null): ImportPreview {
  if (format === "json") return previewJson(text);
  if (format === "csv") return previewCsv(text);
  return { format: null, problem: "Choose a JSON export of this app or a CSV file (Todoist's template)." };
}

function previewJson(text: string): ImportPreview {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { format: "json", problem: "This file is not valid JSON." };
  }
  const d = doc as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || d.format !== "todo-api-export") {
    return { format: "json", problem: "This JSON file is not an export of this app." };
  }
  if (d.version !== 1) return { format: "json", problem: `Export version ${String(d.version)} is not supported.` };
  const count = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]).length : 0);
  return {
    format: "json",
    lists: count("lists"),
    labels: count("labels"),
    tasks: count("tasks"),
    completions: count("completions"),
  };
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // Blank lines are no rows.
  return records.filter((r) => r.some((f) => f.trim() !== ""));
}

function previewCsv(text: string): ImportPreview {
  const records = csvRecords(text);
  if (records.length === 0) return { format: "csv", problem: "This CSV file is empty." };
  const header = records[0]!.map((h) => h.trim().toUpperCase());
  const rows = records.slice(1);
  const typeAt = header.indexOf("TYPE");
  if (typeAt < 0) return { format: "csv", rows: rows.length, tasks: null, sections: null, notes: null };
  const typed = (t: string) => rows.filter((r) => (r[typeAt] ?? "").trim().toLowerCase() === t).length;
  return { format: "csv", rows: rows.length, tasks: typed("task"), sections: typed("section"), notes: typed("note") };
}
