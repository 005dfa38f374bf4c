// The wasm backend in Chromium, inside a Web Worker: the module Vite bundled loads without a DOM, takes
// relaxed SIMD where Chromium has it, and agrees with the CPU backend (kernels and the fused dense step).
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, watchErrors } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

it('the wasm backend runs in a Web Worker and matches the CPU backend', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(new URL('test/e2e/pages/wasm-worker.html', inject('baseUrl')).href);
  await page.waitForFunction(() => window.__wasmWorker !== undefined, undefined, { timeout: 120_000 });
  const outcome = await page.evaluate(() => window.__wasmWorker!);
  if ('error' in outcome) throw new Error(outcome.error);
  // Chromium has had relaxed SIMD since 114: the fused multiply-add module is the one measured here.
  expect(outcome.description).toBe('CPU · WebAssembly SIMD + relaxed FMA');
  expect(outcome.hasDocument).toBe(false);
  for (const r of outcome.results) expect(r.violation, r.name).toBe(0);
  expect(errors).toEqual([]);
  console.log(`wasm backend in a Chromium worker: matmul 512² ${outcome.matmul512GflopS.toFixed(1)} GFLOP/s`);
});
