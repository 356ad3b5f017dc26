import { forwardToApi } from "@/lib/api-forward";
import { apiSecurityHeaders } from "@/lib/security-headers";

// Every request goes to the API as it comes: nothing here is cached or prerendered.
export const dynamic = "force-dynamic";

/**
 * /api/{user_id}/… (Better Auth's /api/auth/* is a static segment and wins):
 * forwarded to the task API at API_URL, read per request, and streamed back.
 * Paths the API does not own are a 404 here; see lib/api-forward.ts.
 */
function forward(request: Request): Promise<Response> {
  return forwardToApi(request, { apiUrl: process.env.API_URL, responseHeaders: apiSecurityHeaders(process.env) });
}

export { forward as DELETE, forward as GET, forward as HEAD, forward as PATCH, forward as POST, forward as PUT };
