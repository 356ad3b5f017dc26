/**
 * The nonce of this document's Content-Security-Policy (proxy.ts), for the
 * few <style> elements Radix inserts in the browser: the page's policy
 * refuses inline <style> without it.
 *
 * Read from the document, not passed down from the server: Next.js put it
 * on its own scripts in the first response, and that response's policy is
 * the one in force for the page's lifetime. A nonce rendered into a layout
 * would change with every router.refresh() and no longer match. The `nonce`
 * property keeps the value even though browsers hide the attribute.
 */
export function documentNonce(): string | undefined {
  if (typeof document === "undefined") return undefined;
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
}
