/**
 * forwardToApi against a local HTTP server standing in for the task API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { forwardToApi, sameOriginUrl } from "@/lib/api-forward";

const USER = "33e85bcb-82d5-4511-b8fc-1f6806a44a90";
const TASK = "0195f7c2-3c1a-7d3e-9a4b-5c6d7e8f9a0b";
const WEB = "http://web.test";
const SECURITY: Array<[string, string]> = [
  ["X-Content-Type-Options", "nosniff"],
  ["Content-Security-Policy", "default-src 'none'"],
];

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void | Promise<void>;

let server: Server;
let apiUrl = "";
let apiHost = "";
let handler: Handler;
let seen: Seen[] = [];

/** Reads the whole request body, then hands over to the current handler. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      void handler(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  apiHost = `127.0.0.1:${port}`;
  apiUrl = `http://${apiHost}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  handler = (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("[]");
  };
});

function request(path: string, init: RequestInit & { duplex?: "half" } = {}): Request {
  return new Request(`${WEB}${path}`, init);
}

const forward = (req: Request, logs: string[] = []) =>
  forwardToApi(req, { apiUrl, responseHeaders: SECURITY, log: (m) => logs.push(m) });

/** Every header name and value, and the body: where an internal address could hide. */
async function everything(response: Response): Promise<string> {
  return [...response.headers].map(([n, v]) => `${n}: ${v}`).join("\n") + "\n\n" + (await response.text());
}

describe("forwarding a request", () => {
  for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]) {
    it(`${method}: the method, the path and the query exactly as sent`, async () => {
      const path = `/api/${USER}/tasks/${TASK}?q=a%20b&category=a%26b&sort=title&empty=&q=second`;
      const hasBody = !["GET", "HEAD"].includes(method);
      const response = await forward(
        request(path, {
          method,
          headers: { "content-type": "application/json" },
          body: hasBody ? `{"m":"${method}"}` : undefined,
        }),
      );
      expect(response.status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe(method);
      expect(seen[0]!.url).toBe(path);
      expect(seen[0]!.body).toBe(hasBody ? `{"m":"${method}"}` : "");
      expect(await response.text()).toBe(method === "HEAD" ? "" : "[]");
    });
  }

  it("keeps the path's encoding as sent", async () => {
    await forward(request(`/api/${USER}/tasks?q=%E2%9C%93+%2B&x=%2F`));
    expect(seen[0]!.url).toBe(`/api/${USER}/tasks?q=%E2%9C%93+%2B&x=%2F`);
  });

  it("streams the request body: the API has the first part before the rest exists", async () => {
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    // This server reads the body itself, so it can see the first chunk alone.
    const streaming = createServer((req, res) => {
      const parts: string[] = [];
      req.on("data", (c: Buffer) => {
        parts.push(c.toString());
        firstArrived();
      });
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify(parts.join("")));
      });
    });
    await new Promise<void>((resolve) => streaming.listen(0, "127.0.0.1", resolve));
    try {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('{"title":'));
          await arrived; // never resolves if the forwarder waits for the whole body
          controller.enqueue(encoder.encode('"streamed"}'));
          controller.close();
        },
      });
      const { port } = streaming.address() as AddressInfo;
      const response = await forwardToApi(
        request(`/api/${USER}/tasks`, {
          method: "POST",
          body,
          duplex: "half",
          headers: { "content-type": "application/json" },
        }),
        { apiUrl: `http://127.0.0.1:${port}` },
      );
      expect(response.status).toBe(201);
      expect(await response.json()).toBe('{"title":"streamed"}');
    } finally {
      streaming.closeAllConnections();
      await new Promise((resolve) => streaming.close(resolve));
    }
  });

  it("drops the cookie and hop-by-hop headers, keeps the rest", async () => {
    await forward(
      request(`/api/${USER}/tasks/${TASK}`, {
        method: "PATCH",
        body: "{}",
        headers: {
          authorization: "Bearer t0ken",
          "content-type": "application/json",
          "if-match": '"3"',
          "if-none-match": '"2"',
          accept: "application/json, application/problem+json",
          "last-event-id": "41",
          "idempotency-key": "k-1",
          "user-agent": "test agent",
          cookie: "better-auth.session_token=secret",
          connection: "keep-alive, x-private-hop",
          "x-private-hop": "only for the next hop",
          "keep-alive": "timeout=5",
          "proxy-authorization": "Basic c2VjcmV0",
          te: "trailers",
          upgrade: "websocket",
          "transfer-encoding": "chunked",
          "accept-encoding": "gzip, br, zstd",
        },
      }),
    );
    const got = seen[0]!.headers;
    expect(got.authorization).toBe("Bearer t0ken");
    expect(got["content-type"]).toBe("application/json");
    expect(got["if-match"]).toBe('"3"');
    expect(got["if-none-match"]).toBe('"2"');
    expect(got.accept).toBe("application/json, application/problem+json");
    expect(got["last-event-id"]).toBe("41");
    expect(got["idempotency-key"]).toBe("k-1");
    expect(got["user-agent"]).toBe("test agent");
    for (const dropped of ["cookie", "x-private-hop", "keep-alive", "proxy-authorization", "te", "upgrade"]) {
      expect(got[dropped], dropped).toBeUndefined();
    }
    // Its own connection management, and no compressed answer to decode.
    expect(got.host).toBe(apiHost);
    expect(got["accept-encoding"]).toBe("identity");
  });

  it("forwards issue 12's paths (trash, batch, export, import) with the export's Content-Disposition", async () => {
    handler = (_req, res) => {
      res.writeHead(200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="todo-export-2026-12-08.csv"',
      });
      res.end("id,title\n");
    };
    for (const [method, path] of [
      ["GET", `/api/${USER}/trash?limit=50`],
      ["POST", `/api/${USER}/trash/${TASK}/restore`],
      ["DELETE", `/api/${USER}/trash`],
      ["POST", `/api/${USER}/tasks/batch`],
      ["POST", `/api/${USER}/import?list_name=Todoist`],
      ["GET", `/api/${USER}/export?format=csv`],
    ] as const) {
      const response = await forward(request(path, { method }));
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="todo-export-2026-12-08.csv"');
    }
    expect(seen.map((s) => s.url)).toEqual([
      `/api/${USER}/trash?limit=50`,
      `/api/${USER}/trash/${TASK}/restore`,
      `/api/${USER}/trash`,
      `/api/${USER}/tasks/batch`,
      `/api/${USER}/import?list_name=Todoist`,
      `/api/${USER}/export?format=csv`,
    ]);
  });

  it("answers 404 for paths the API does not own, without asking it", async () => {
    for (const path of [
      `/api/${USER}/other`,
      `/api/${USER}/tasksx`,
      `/api/${USER}/trashy`,
      `/api/${USER}/export/x`,
      `/api/${USER}/tasks/../../auth/get-session`,
      `/api/${USER}/tasks/%2e%2e/%2e%2e/auth/ok`,
      "/api/auth/ok",
      "/dashboard",
    ]) {
      const response = await forward(request(path));
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(seen).toEqual([]);
  });
});

describe("the API's answer", () => {
  it("is streamed: the first chunk arrives while the API still holds the second", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("id: 1\ndata: first\n\n");
      await held;
      res.write("id: 2\ndata: second\n\n");
      res.end();
    };
    const response = await forward(request(`/api/${USER}/tasks/events`, { headers: { accept: "text/event-stream" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("transfer-encoding")).toBeNull();
    // Nothing between here and the browser (Next's gzip included) may hold it back.
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the first chunk was held back")), 5_000)),
    ]);
    expect(decoder.decode(first.value)).toBe("id: 1\ndata: first\n\n");
    release();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
    }
    expect(rest).toBe("id: 2\ndata: second\n\n");
  });

  it("an event stream is marked no-transform once, and other answers keep their Cache-Control", async () => {
    for (const [type, sent, expected] of [
      ["text/event-stream; charset=utf-8", undefined, "no-transform"],
      ["text/event-stream", "no-store, No-Transform", "no-store, No-Transform"],
      ["application/json", "no-cache", "no-cache"],
      ["application/json", undefined, null],
    ] as const) {
      handler = (_req, res) => {
        res.writeHead(200, { "content-type": type, ...(sent ? { "cache-control": sent } : {}) });
        res.end();
      };
      const response = await forward(request(`/api/${USER}/tasks`));
      expect(response.headers.get("cache-control"), `${type} ${sent}`).toBe(expected);
      await response.body?.cancel();
    }
  });

  it("keeps its status and headers, minus hop-by-hop ones and cookies, plus the security headers", async () => {
    handler = (_req, res) => {
      res.setHeader("content-type", "application/problem+json");
      res.setHeader("etag", '"7"');
      res.setHeader("retry-after", "2");
      res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      res.setHeader("cache-control", "no-store");
      res.setHeader("vary", "Authorization");
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
      res.setHeader("keep-alive", "timeout=5");
      res.setHeader("connection", "keep-alive, x-private-hop");
      res.setHeader("x-private-hop", "1");
      res.setHeader("trailer", "x-checksum");
      res.writeHead(412);
      res.end('{"status":412}');
    };
    const response = await forward(request(`/api/${USER}/tasks/${TASK}`, { method: "PUT", body: "{}" }));
    expect(response.status).toBe(412);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("etag")).toBe('"7"');
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("vary")).toBe("Authorization");
    for (const dropped of ["set-cookie", "keep-alive", "connection", "x-private-hop", "trailer", "transfer-encoding"]) {
      expect(response.headers.get(dropped), dropped).toBeNull();
    }
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'");
    expect(await response.text()).toBe('{"status":412}');
  });

  it("keeps the API's relative Location and Link, and turns absolute ones on the API into same-origin paths", async () => {
    handler = (req, res) => {
      const absolute = req.url?.includes("absolute");
      const base = absolute ? apiUrl : "";
      res.writeHead(201, {
        "content-type": "application/json",
        location: `${base}/api/${USER}/tasks/${TASK}`,
        "content-location": `${base}/api/${USER}/tasks/${TASK}?v=1`,
        link: `<${base}/api/${USER}/tasks?cursor=abc&limit=20>; rel="next", <https://docs.example/tasks>; rel="help"`,
      });
      res.end(`{"id":"${TASK}"}`);
    };
    for (const path of [`/api/${USER}/tasks`, `/api/${USER}/tasks/absolute`]) {
      const response = await forward(request(path, { method: "POST", body: "{}" }));
      expect(response.status).toBe(201);
      expect(response.headers.get("location")).toBe(`/api/${USER}/tasks/${TASK}`);
      expect(response.headers.get("content-location")).toBe(`/api/${USER}/tasks/${TASK}?v=1`);
      expect(response.headers.get("link")).toBe(
        `</api/${USER}/tasks?cursor=abc&limit=20>; rel="next", <https://docs.example/tasks>; rel="help"`,
      );
      // What the browser does with it: a URL on the web app's own origin.
      expect(new URL(response.headers.get("location")!, WEB).origin).toBe(WEB);
      const all = await everything(response);
      expect(all).not.toContain(apiHost);
      expect(all).not.toMatch(/x-middleware/i);
    }
  });

  it("arrives decoded when the API compresses it anyway", async () => {
    handler = (_req, res) => {
      const body = gzipSync('[{"title":"zipped"}]');
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": body.length,
      });
      res.end(body);
    };
    const response = await forward(request(`/api/${USER}/tasks`));
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("content-length")).toBeNull();
    expect(await response.json()).toEqual([{ title: "zipped" }]);
  });

  it("HEAD and 204 have no body; HEAD keeps the length", async () => {
    handler = (req, res) => {
      if (req.method === "HEAD") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "123" });
        res.end();
      } else {
        res.writeHead(204);
        res.end();
      }
    };
    const head = await forward(request(`/api/${USER}/tasks`, { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get("content-length")).toBe("123");
    const deleted = await forward(request(`/api/${USER}/tasks/${TASK}`, { method: "DELETE" }));
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
  });

  it("is not followed when it redirects", async () => {
    handler = (_req, res) => {
      res.writeHead(307, { location: `/api/${USER}/tasks?page=2` });
      res.end();
    };
    const response = await forward(request(`/api/${USER}/tasks`));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`/api/${USER}/tasks?page=2`);
    expect(seen).toHaveLength(1);
  });
});

describe("an unreachable API", () => {
  it("is a 502 problem that names nothing internal, logged on the server", async () => {
    // A port that was just free: the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const logs: string[] = [];
    const response = await forwardToApi(request(`/api/${USER}/tasks`, { headers: { authorization: "Bearer t" } }), {
      apiUrl: `http://127.0.0.1:${port}`,
      responseHeaders: SECURITY,
      log: (m) => logs.push(m),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const all = await everything(response);
    expect(all).not.toContain(String(port));
    expect(all).not.toContain("127.0.0.1");
    expect(all).not.toMatch(/ECONNREFUSED|x-middleware/i);
    const problem = JSON.parse(all.split("\n\n")[1]!) as Record<string, unknown>;
    expect(problem).toEqual({
      type: "about:blank",
      title: "Bad Gateway",
      status: 502,
      detail: "The task service could not be reached. Try again in a moment.",
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("ECONNREFUSED");
    expect(logs[0]).not.toContain(USER);
  });

  it("is a 502 when the API drops the connection without answering", async () => {
    handler = (req) => {
      req.socket.destroy();
    };
    const response = await forward(request(`/api/${USER}/tasks`));
    expect(response.status).toBe(502);
    expect(await everything(response)).not.toContain(apiHost);
  });
});

describe("sameOriginUrl", () => {
  it("turns only the API's own absolute URLs into paths", () => {
    const api = "http://10.0.0.5:8000";
    expect(sameOriginUrl("http://10.0.0.5:8000/api/u/tasks/1?x=1#h", api)).toBe("/api/u/tasks/1?x=1#h");
    expect(sameOriginUrl("/api/u/tasks/1", api)).toBe("/api/u/tasks/1");
    expect(sameOriginUrl("tasks/1", api)).toBe("tasks/1");
    expect(sameOriginUrl("https://elsewhere.example/x", api)).toBe("https://elsewhere.example/x");
    expect(sameOriginUrl("http://10.0.0.5:8001/x", api)).toBe("http://10.0.0.5:8001/x");
  });
});
