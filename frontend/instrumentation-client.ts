import { documentNonce } from "./lib/style-nonce";

// Runs before the app starts in the browser. Radix's dialogs and selects lock
// scrolling with react-remove-scroll, whose <style> element takes its nonce
// from this global (get-nonce's fallback); without it the page's
// Content-Security-Policy refuses the style.
(globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = documentNonce();
