import { defineConfig } from 'vitest/config';

// Three suites: unit (Node, CPU engine, app logic), gpu (Node, WGSL through Dawn),
// e2e (Playwright driving the system Chromium against a `vite preview` of the build).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      {
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          // One Dawn device at a time: SwiftShader already uses every core.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/preview-server.ts'],
        },
      },
    ],
  },
});
