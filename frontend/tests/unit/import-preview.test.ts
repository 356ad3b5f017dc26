import { describe, expect, it } from "vitest";

import { csvRecords, formatOf, previewImport } from "@/lib/import-preview";

describe("import preview (issue 12)", () => {
  it("counts what a JSON export holds", () => {
    const doc = {
      format: "todo-api-export",
      version: 1,
      lists: [{}, {}],
      labels: [{}],
      tasks: [{}, {}, {}],
      completions: [],
    };
    expect(previewImport(JSON.stringify(doc), "json")).toEqual({
      format: "json",
      lists: 2,
      labels: 1,
      tasks: 3,
      completions: 0,
    });
  });

  it("says why a JSON file cannot be imported", () => {
    expect(previewImport("{", "json")).toEqual({ format: "json", problem: "This file is not valid JSON." });
    expect(previewImport('{"tasks":[]}', "json")).toMatchObject({
      problem: "This JSON file is not an export of this app.",
    });
    expect(previewImport('{"format":"todo-api-export","version":2}', "json")).toMatchObject({
      problem: "Export version 2 is not supported.",
    });
  });

  it("counts a Todoist CSV's rows by type, with quoted commas and line breaks in a field", () => {
    const csv = [
      "\uFEFFTYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT",
      'task,"Buy milk, eggs",,1,1',
      'task,Call Bob,"line one',
      'line two",4,2',
      "",
      "section,Work,,,",
      'note,"He said ""hi""",,,',
      "task,Write report,,2,1",
    ].join("\r\n");
    expect(previewImport(csv, "csv")).toEqual({ format: "csv", rows: 5, tasks: 3, sections: 1, notes: 1 });
    expect(csvRecords(csv)[2]).toEqual(["task", "Call Bob", "line one\r\nline two", "4", "2"]);
    expect(csvRecords(csv)[4]![1]).toBe('He said "hi"');
  });

  it("counts the rows of a CSV without a TYPE column, and knows the format by type or name", () => {
    expect(previewImport("title\na\nb\n", "csv")).toEqual({
      format: "csv",
      rows: 2,
      tasks: null,
      sections: null,
      notes: null,
    });
    expect(formatOf({ name: "x.JSON", type: "" })).toBe("json");
    expect(formatOf({ name: "x", type: "text/csv" })).toBe("csv");
    expect(formatOf({ name: "x.txt", type: "text/plain" })).toBeNull();
  });
});
