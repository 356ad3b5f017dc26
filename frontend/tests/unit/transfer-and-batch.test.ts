import { describe, expect, it } from "vitest";

import { batchFailure } from "@/hooks/use-bulk-actions";
import { ApiError, filenameFromDisposition } from "@/lib/tasks-api";

describe("filenameFromDisposition (issue 12)", () => {
  it("reads the export's file name, quoted, bare or RFC 6266 encoded, and never a path", () => {
    expect(filenameFromDisposition('attachment; filename="todo-export-2026-12-08.json"')).toBe(
      "todo-export-2026-12-08.json",
    );
    expect(filenameFromDisposition("attachment; filename=todo.csv")).toBe("todo.csv");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''t%C3%A2ches.csv")).toBe("tâches.csv");
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe(".._.._etc_passwd");
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition("attachment")).toBeNull();
  });
});

describe("batchFailure (issue 12)", () => {
  it("names the task of each failing operation by its index", () => {
    const error = new ApiError("not_found", "That task no longer exists.", {
      status: 404,
      problem: {
        type: "urn:todo-api:problem:batch-failed",
        title: "Batch failed",
        errors: [
          { field: "/operations/1/id", message: "No such task." },
          { field: "/operations/0/if_match", message: "Changed elsewhere." },
        ],
      },
    });
    expect(batchFailure(error, [{ title: "First" }, { title: "Second" }])).toBe(
      "“Second”: No such task. “First”: Changed elsewhere.",
    );
    expect(batchFailure(new ApiError("unavailable", "Down."), [])).toBe("Down.");
  });
});
