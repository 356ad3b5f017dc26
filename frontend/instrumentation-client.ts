import { config as zodConfig } from "zod";

import { documentNonce, nonceStyleElements } from "./lib/style-nonce";

// Runs before the app starts in the browser. Radix's dialogs and selects lock
// scrolling with react-remove-scroll, whose <style> element takes its nonce
// from this global (get-nonce's fallback); sonner inserts its stylesheet as a
// <style> element when its module loads and knows of no nonce at all.
// Without the nonce the page's Content-Security-Policy refuses both.
const nonce = documentNonce();
(globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;
nonceStyleElements(nonce);

// The policy allows no eval. zod 4 probes for it (`new Function("")`) before
// its first object parse, to compile faster parsers; the refused probe is
// reported as a violation even though zod copes. Jitless, it never probes.
zodConfig({ jitless: true });
