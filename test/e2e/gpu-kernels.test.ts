// WebGPU kernels in headless Chromium (navigator.gpu, shaders bundled by Vite) against the CPU backend.
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

it('kernels run through navigator.gpu and match the CPU backend', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(new URL('test/e2e/pages/gpu-kernels.html', inject('baseUrl')).href);
  await page.waitForFunction(() => window.__gpuKernels !== undefined, undefined, { timeout: 120_000 });
  const outcome = await page.evaluate(() => window.__gpuKernels!);
  if ('error' in outcome) {
    const reason = `WebGPU kernel page failed: ${outcome.error}`;
    if (process.env.REQUIRE_WEBGPU === '1' || !/not available|no adapter/.test(outcome.error)) throw new Error(reason);
    console.warn(`Skipping: ${reason}`);
    return;
  }
  expect(outcome.adapter).toMatch(/^WebGPU/);
  expect(outcome.results.length).toBeGreaterThan(5);
  for (const r of outcome.results) expect(r.violation, r.name).toBe(0);
  expect(errors).toEqual([]);
});
