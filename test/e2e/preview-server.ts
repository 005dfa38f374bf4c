// Global setup for browser tests: build the app with the tests' kernel page, once, into a temporary folder
// (dist/ stays the app alone), and serve it with `vite preview` (cross-origin isolated for `?isolated` URLs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { crossOriginIsolation } from './cross-origin-isolation';

let server: PreviewServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  const pages = { build: { outDir, emptyOutDir: true, rollupOptions: { input: { gpuKernels: 'test/e2e/pages/gpu-kernels.html', wasmWorker: 'test/e2e/pages/wasm-worker.html' } } } };
  await build({ ...pages, logLevel: 'warn' });
  server = await preview({ ...pages, plugins: [crossOriginIsolation], preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const address = server.resolvedUrls?.local[0];
  if (!address) throw new Error('vite preview did not report a local URL');
  project.provide('baseUrl', address);
  return async () => {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
