import { describe, expect, it, vi } from "vitest";

import { ApiError, TasksApi } from "@/lib/tasks-api";
import { TokenCache } from "@/lib/token-cache";

const USER = "0b4c2f62-9a3e-4d5c-8f1e-2a6b7c8d9e0f";
const LIST = "5f0d3a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6";

function jwt(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "EdDSA" })}.${enc({ sub: USER, exp: 4_000_000_000 })}.sig`;
}

function client(responses: Response[]) {
  const tokens = new TokenCache({ fetchToken: vi.fn(async () => jwt()) });
  const calls: Request[] = [];
  const fetchImpl = vi.fn(async (request: Request) => {
    calls.push(request);
    const next = responses.shift();
    if (!next) throw new Error("no more responses");
    return next;
  });
  return { api: new TasksApi(USER, tokens, { fetch: fetchImpl, origin: "http://app.test" }), calls };
}

const json = (body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", ...headers } });

const preconditionFailed = () =>
  new Response(JSON.stringify({ status: 412, title: "Precondition Failed" }), {
    status: 412,
    headers: { "content-type": "application/problem+json" },
  });

describe("TasksApi: the versions of lists and labels (issue 9)", () => {
  it("reads a list with its ETag, and sends it back as If-Match on a rename and a delete", async () => {
    const { api, calls } = client([
      json({ id: LIST, name: "Alpha" }, { etag: '"4"' }),
      json({ id: LIST, name: "Beta" }, { etag: '"5"' }),
      new Response(null, { status: 204 }),
    ]);
    const read = await api.getList(LIST);
    expect(read.etag).toBe('"4"');
    const saved = await api.updateList(LIST, { name: "Beta" }, read.etag);
    expect(saved).toEqual({ value: { id: LIST, name: "Beta" }, etag: '"5"' });
    await api.removeList(LIST, saved.etag);
    expect(calls.map((c) => [c.method, new URL(c.url).pathname, c.headers.get("If-Match")])).toEqual([
      ["GET", `/api/${USER}/lists/${LIST}`, null],
      ["PATCH", `/api/${USER}/lists/${LIST}`, '"4"'],
      ["DELETE", `/api/${USER}/lists/${LIST}`, '"5"'],
    ]);
  });

  it("sends a label's ETag as If-Match, and a 412 is a conflict", async () => {
    const { api, calls } = client([preconditionFailed(), preconditionFailed()]);
    const edit = await api.updateLabel(LIST, { color: "red" }, '"2"').catch((e: unknown) => e);
    expect(edit).toBeInstanceOf(ApiError);
    expect((edit as ApiError).kind).toBe("conflict");
    const remove = await api.removeLabel(LIST, '"2"').catch((e: unknown) => e);
    expect((remove as ApiError).kind).toBe("conflict");
    expect(calls.map((c) => [c.method, c.headers.get("If-Match")])).toEqual([
      ["PATCH", '"2"'],
      ["DELETE", '"2"'],
    ]);
  });

  it("sends no If-Match without an ETag", async () => {
    const { api, calls } = client([json({ id: LIST, name: "Alpha" })]);
    await api.updateList(LIST, { name: "Alpha" }, null);
    expect(calls[0]!.headers.get("If-Match")).toBeNull();
  });
});
