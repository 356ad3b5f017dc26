/**
 * The nonce of this document's Content-Security-Policy (proxy.ts), for the
 * few <style> elements libraries insert in the browser (Radix's scroll lock
 * and select viewport, sonner's stylesheet): the page's policy refuses inline
 * <style> without it.
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

/**
 * Gives every <style> element created by script from now on the page's
 * nonce, for libraries that insert one and take no nonce (sonner). Only
 * scripts the policy already trusts (the nonce and 'strict-dynamic') run
 * here, so this trusts nothing new; <style> in markup (an injection) is
 * still refused.
 */
export function nonceStyleElements(nonce: string | undefined): void {
  if (!nonce || typeof Document === "undefined") return;
  const create = Document.prototype.createElement;
  function createElement(this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
    const element = create.call(this, tagName, options);
    if (element instanceof HTMLStyleElement && !element.nonce) element.nonce = nonce!;
    return element;
  }
  Document.prototype.createElement = createElement as typeof Document.prototype.createElement;
}
