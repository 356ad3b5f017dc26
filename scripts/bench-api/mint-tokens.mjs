// `just bench-api`: mints one HS256 token per seeded user, as the API's
// hs256 mode requires (crates/adapters-jwt: iss = JWT_ISSUER, aud contains
// todo-api, sub = the user's uuid, exp; iat is checked when present).
//
// stdin:  one line per user, "<user uuid>|<the rest>" (run.sh: the user's
//         list, top-level tasks and tasks)
// stdout: one line per user, "<user uuid> <token> <the rest>" (wrk.lua reads it)
// env:    BETTER_AUTH_SECRET (the HS256 key, used as its UTF-8 bytes), JWT_ISSUER,
//         JWT_AUDIENCE (default todo-api), TOKEN_TTL_SECS (default 3600)
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const secret = process.env.BETTER_AUTH_SECRET;
const issuer = process.env.JWT_ISSUER;
if (!secret || !issuer) {
  console.error("mint-tokens: BETTER_AUTH_SECRET and JWT_ISSUER must be set");
  process.exit(2);
}
const audience = process.env.JWT_AUDIENCE || "todo-api";
const ttl = Number(process.env.TOKEN_TTL_SECS || 3600);

const b64url = (value) => Buffer.from(value).toString("base64url");
const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const now = Math.floor(Date.now() / 1000);

const lines = [];
for (const line of readFileSync(0, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const [user, rest = ""] = line.split("|");
  const payload = b64url(JSON.stringify({ iss: issuer, aud: audience, sub: user, iat: now, exp: now + ttl }));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  lines.push(`${user} ${header}.${payload}.${signature} ${rest.trim()}`);
}
if (lines.length === 0) {
  console.error("mint-tokens: no users on stdin");
  process.exit(1);
}
process.stdout.write(lines.join("\n") + "\n");
