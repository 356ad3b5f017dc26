import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// scripts/dev.sh end to end (`npm run test:dev`, `just test-dev`): slow by
// nature (cargo build check, initdb, next dev compiling on first request),
// hence the generous timeouts for a loaded 2-core machine.
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["tests/dev/**/*.test.ts"],
    environment: "node",
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
