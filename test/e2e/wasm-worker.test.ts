// The wasm backend in Chromium, inside a Web Worker: the module Vite bundled loads without a DOM, takes
// relaxed SIMD where Chromium has it, and agrees with the CPU backend (kernels and the fused dense step);
// in a cross-origin isolated page (COOP/COEP from the preview server) it does so on worker threads.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, watchErrors } from './browser';
import type { WasmWorkerReport } from './pages/wasm-worker';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function workerReport(query: string): Promise<WasmWorkerReport> {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(new URL(`test/e2e/pages/wasm-worker.html${query}`, inject('baseUrl')).href);
  await page.waitForFunction(() => window.__wasmWorker !== undefined, undefined, { timeout: 120_000 });
  const outcome = await page.evaluate(() => window.__wasmWorker!);
  if ('error' in outcome) throw new Error(outcome.error);
  for (const r of outcome.results) expect(r.violation, r.name).toBe(0);
  expect(outcome.hasDocument).toBe(false);
  expect(errors).toEqual([]);
  await page.close();
  return outcome;
}

it('the wasm backend runs in a Web Worker and matches the CPU backend', async () => {
  const outcome = await workerReport('');
  // Chromium has had relaxed SIMD since 114: the fused multiply-add module is the one measured here.
  expect(outcome.description).toBe('CPU · WebAssembly SIMD + relaxed FMA');
  expect(outcome.crossOriginIsolated).toBe(false);
  console.log(`wasm backend in a Chromium worker: matmul 512² ${outcome.matmul512GflopS.toFixed(1)} GFLOP/s`);
});

it('in a cross-origin isolated page it runs products on worker threads, with the same results', async () => {
  const outcome = await workerReport('?isolated');
  expect(outcome.crossOriginIsolated).toBe(true);
  const threads = Math.min(8, outcome.hardwareConcurrency);
  expect(outcome.threads).toBe(threads);
  expect(threads).toBeGreaterThan(1);
  expect(outcome.description).toBe(`CPU · WebAssembly SIMD + relaxed FMA · ${threads} threads`);
  console.log(`wasm backend in an isolated Chromium worker, ${threads} threads: matmul 512² ${outcome.matmul512GflopS.toFixed(1)} GFLOP/s`);
});
