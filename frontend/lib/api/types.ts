/**
 * Names for the generated API types (schema.d.ts, from the OpenAPI document
 * the API serves), so the app says `Task` rather than
 * `components["schemas"]["Task"]`. Nothing here is written by hand but the
 * names: a change to the API's contract shows up as a type error.
 */
import type { components, operations } from "./schema";
import { schemaConstraints } from "./schema-constraints";

type Schemas = components["schemas"];

export type Task = Schemas["Task"];
/** The body of a create (POST) or replace (PUT). */
export type TaskInput = Schemas["TaskInput"];
/** Only the fields present are changed; null clears an optional field. */
export type TaskPatch = Schemas["TaskPatch"];
export type Priority = Schemas["Priority"];
export type SortKey = Schemas["SortKey"];
export type SortOrder = Schemas["SortOrder"];
export type StatusFilter = Schemas["StatusFilter"];
export type Problem = Schemas["Problem"];
export type FieldError = Schemas["FieldError"];

/** The query parameters of `GET /api/{user_id}/tasks`. */
export type TaskQuery = NonNullable<operations["list_tasks"]["parameters"]["query"]>;

/** Every priority, in the order the API lists them (low to high). */
export const PRIORITIES: readonly Priority[] = schemaConstraints.Priority.enum;
