import { defineConfig } from "vitest/config";

// Three projects mirror src/: pure unit tests, use cases on a real database, and
// signed HTTP requests into the running app against the fake Slack Web API.
export default defineConfig({
  test: {
    // Deliveries are asynchronous; on a loaded 2-core CI machine they can take seconds.
    expect: { poll: { timeout: 15_000, interval: 25 } },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core);
        // skipped with a message when Chromium is missing. `bash .ci/run` installs it.
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 90_000,
          // the playground's first start seeds the demo program and delivers its Slack history
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
