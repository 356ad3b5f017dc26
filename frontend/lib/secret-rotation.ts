import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { parseCookies, setRequestCookie } from "better-auth/cookies";
import { constantTimeEqual, makeSignature } from "better-auth/crypto";

/**
 * Keeps people signed in across a secret rotation.
 *
 * With versioned secrets (BETTER_AUTH_SECRETS) Better Auth 1.7 still decrypts
 * data made under an older version, but it checks the signature of the
 * session cookie against the current secret only: every session would end at
 * the rotation. This hook runs before every Better Auth endpoint (HTTP and
 * `auth.api.*` alike): a session cookie whose signature verifies with one of
 * the older secrets is re-signed with the current one in the request, so
 * Better Auth accepts it. The session itself is still looked up in the
 * database and expires as usual; when Better Auth next refreshes it (daily),
 * the browser gets a cookie signed with the current secret.
 *
 * @param older every secret other than the current one that may have signed
 *   a cookie still in use (see `olderSecrets` in server-config.ts).
 */
export function sessionsSurviveRotation(older: readonly string[]) {
  return {
    id: "todo-sessions-survive-rotation",
    hooks: {
      before: [
        {
          matcher: (context) => older.length > 0 && !!context.headers?.get("cookie"),
          handler: createAuthMiddleware(async (ctx) => {
            const cookieHeader = ctx.headers?.get("cookie");
            if (!cookieHeader) return;
            const cookies = parseCookies(cookieHeader);
            const { sessionToken, dontRememberToken } = ctx.context.authCookies;
            let rewritten: Headers | undefined;
            for (const name of [sessionToken.name, dontRememberToken.name]) {
              const value = cookies.get(name);
              const resigned = value ? await resignWithCurrent(value, ctx.context.secret, older) : undefined;
              if (resigned === undefined) continue;
              rewritten ??= new Headers({ cookie: cookieHeader });
              setRequestCookie(rewritten, name, resigned);
            }
            if (rewritten) return { context: { headers: rewritten } };
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

/**
 * `value.signature` (better-call's signed-cookie format) re-signed with
 * `current` when it was signed with one of `older`; undefined when it
 * already verifies with `current`, or with none of them.
 */
async function resignWithCurrent(cookieValue: string, current: string, older: readonly string[]) {
  const dot = cookieValue.lastIndexOf(".");
  if (dot < 1) return undefined;
  const payload = cookieValue.slice(0, dot);
  const signature = cookieValue.slice(dot + 1);
  if (constantTimeEqual(signature, await makeSignature(payload, current))) return undefined;
  for (const secret of older) {
    if (constantTimeEqual(signature, await makeSignature(payload, secret))) {
      return `${payload}.${await makeSignature(payload, current)}`;
    }
  }
  return undefined;
}
