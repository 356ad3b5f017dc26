/**
 * Forwards a same-origin request for the task API to API_URL and streams the
 * answer back, as app/api/[user_id]/[...path]/route.ts does for the browser.
 *
 * The browser never learns where the API lives: nothing in the answer names
 * it (no x-middleware-rewrite, as a proxy.ts rewrite would add), and an
 * unreachable API is a bare 502 problem. Bodies are streams both ways, never
 * buffered, so a server-sent event reaches the browser when the API sends it.
 */
import { apiTarget } from "./api-target";
import { applyHeaders, type HeaderList } from "./security-headers";

/** RFC 9110 §7.6.1, plus the pre-standard ones still seen in the wild. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

const DROPPED_REQUEST_HEADERS = new Set([
  ...HOP_BY_HOP,
  // The API authenticates with the bearer token only; the session cookie
  // has no business leaving this server.
  "cookie",
  // Set by fetch for the API's address and for the body it sends.
  "host",
  "content-length",
  "expect",
  // Asked for below: identity, so nothing is decoded and re-encoded here.
  "accept-encoding",
]);

const DROPPED_RESPONSE_HEADERS = new Set([
  ...HOP_BY_HOP,
  // This origin's cookies are Better Auth's; the API has none to set.
  "set-cookie",
]);

/** Headers whose value is a URL the browser may follow. */
const URL_HEADERS = ["location", "content-location"];

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface ForwardOptions {
  /** API_URL; DEFAULT_API_URL when unset. */
  apiUrl: string | undefined;
  /** Added to every answer, the API's or this function's own. */
  responseHeaders?: HeaderList;
  /** Where a failure to reach the API is reported (never to the browser). */
  log?: (message: string) => void;
}

/** An RFC 9457 problem document, with nothing in it about the API's whereabouts. */
function problem(status: number, title: string, detail: string, extra: HeaderList): Response {
  const response = Response.json(
    { type: "about:blank", title, status, detail },
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } },
  );
  applyHeaders(response.headers, extra);
  return response;
}

/** Header names listed in `Connection` are hop-by-hop too. */
function connectionTokens(headers: Headers): Set<string> {
  return new Set(
    (headers.get("connection") ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function requestHeadersForApi(incoming: Headers): Headers {
  const listed = connectionTokens(incoming);
  const headers = new Headers();
  for (const [name, value] of incoming) {
    if (DROPPED_REQUEST_HEADERS.has(name) || listed.has(name)) continue;
    headers.append(name, value);
  }
  headers.set("accept-encoding", "identity");
  return headers;
}

/** An absolute URL on the API's origin becomes a same-origin path; anything else is left alone. */
export function sameOriginUrl(value: string, apiOrigin: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value; // relative: already resolves against this origin
  }
  return url.origin === apiOrigin ? `${url.pathname}${url.search}${url.hash}` : value;
}

function responseHeadersForBrowser(upstream: Response, apiOrigin: string): Headers {
  const listed = connectionTokens(upstream.headers);
  const headers = new Headers();
  for (const [name, value] of upstream.headers) {
    if (DROPPED_RESPONSE_HEADERS.has(name) || listed.has(name)) continue;
    headers.append(name, value);
  }
  // fetch decodes gzip/deflate/br bodies itself (identity was asked for, but
  // the API may not listen): the body handed on is then plain, and its length unknown.
  const coding = headers.get("content-encoding")?.trim().toLowerCase();
  if (coding && ["gzip", "x-gzip", "deflate", "br"].includes(coding)) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  for (const name of URL_HEADERS) {
    const value = headers.get(name);
    if (value !== null) headers.set(name, sameOriginUrl(value, apiOrigin));
  }
  if (headers.get("content-type")?.trim().toLowerCase().startsWith("text/event-stream")) {
    // Next's compression (like any proxy's) would hold events back in the
    // compressor; no-transform tells it, and any proxy after it, to leave
    // the stream alone.
    const cacheControl = headers.get("cache-control");
    if (!/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(cacheControl ?? "")) {
      headers.set("cache-control", cacheControl ? `${cacheControl}, no-transform` : "no-transform");
    }
  }
  const link = headers.get("link");
  if (link !== null) {
    headers.set(
      "link",
      link.replace(/<([^>]*)>/g, (_, target: string) => `<${sameOriginUrl(target, apiOrigin)}>`),
    );
  }
  return headers;
}

/**
 * The API's answer to `request`, streamed; 404 for a path the API does not
 * own (only /api/{user_id}/tasks…, lists… and labels…, as apiTarget decides), 502 when the API
 * cannot be reached.
 */
export async function forwardToApi(request: Request, options: ForwardOptions): Promise<Response> {
  const extra = options.responseHeaders ?? [];
  // The raw path and query, exactly as the browser sent them.
  const { pathname, search } = new URL(request.url);
  const target = apiTarget(pathname, search, options.apiUrl);
  if (!target) return problem(404, "Not Found", "There is nothing here.", extra);

  const method = request.method.toUpperCase();
  const hasBody = method !== "GET" && method !== "HEAD" && request.body !== null;
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method,
      headers: requestHeadersForApi(request.headers),
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch for a streamed request body.
      ...(hasBody ? { duplex: "half" } : {}),
      redirect: "manual",
      cache: "no-store",
      // The browser going away ends the API request (and an event stream) too.
      signal: request.signal,
    } as RequestInit);
  } catch (error) {
    if (!request.signal.aborted) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      // Method only: paths hold user and task ids, which the logs keep out (as the API's do).
      (options.log ?? console.error)(`The task API could not be reached (${method}): ${cause}`);
    }
    return problem(502, "Bad Gateway", "The task service could not be reached. Try again in a moment.", extra);
  }

  const headers = responseHeadersForBrowser(upstream, target.origin);
  applyHeaders(headers, extra);
  const body = method === "HEAD" || NULL_BODY_STATUSES.has(upstream.status) ? null : upstream.body;
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
}
