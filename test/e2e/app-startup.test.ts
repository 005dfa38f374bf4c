// How soon the page trains: from navigation to the first epoch drawn on screen (Play pressed as soon as the
// button exists), with WebGPU available and without it. A figure written to test-results/startup.json, not
// a timed assertion; what is asserted is that training starts on the CPU and moves to WebGPU without a
// jump in the loss.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, screenshot, watchErrors } from './browser';

let browser: Browser;
const baseUrl = inject('baseUrl');
const figures: Record<string, Record<string, number | string>> = {};

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}/startup.json`, JSON.stringify(figures, null, 2) + '\n');
  console.log('time to first drawn epoch (ms since navigation):', JSON.stringify(figures));
});

/** Milliseconds since the page's navigation began, when `text` of `testId` first matches, checked every frame. */
async function whenShown(page: Page, testId: string, pattern: RegExp, timeout = 120_000): Promise<number> {
  const handle = await page.waitForFunction(
    ({ testId, source }) => {
      const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
      return new RegExp(source).test(text) ? performance.now() : false;
    },
    { testId, source: pattern.source },
    { polling: 'raf', timeout },
  );
  return Math.round((await handle.jsonValue()) as number);
}

async function epoch(page: Page): Promise<number> {
  return Number((await page.getByTestId('epoch').textContent())?.replace(/[^\d]/g, ''));
}

/** Open the page and press Play as soon as it exists; when that was, ms since navigation. */
async function openAndPlay(page: Page, hash = ''): Promise<number> {
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').click();
  return Math.round(await page.evaluate(() => performance.now()));
}

describe('startup', () => {
  it('with WebGPU: trains on the CPU at once, then moves to WebGPU and keeps training', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = watchErrors(page);
    // WebGPU by choice: on a software adapter the measured choice may be the CPU worker (test/e2e/worker.test.ts).
    const playMs = await openAndPlay(page, '#backend=webgpu');
    const firstEpoch = await whenShown(page, 'epoch', /[1-9]/);
    const firstBackend = (await page.getByTestId('backend').textContent()) ?? '';
    const onWebGPU = await whenShown(page, 'backend', /^WebGPU/);
    figures.webgpu = { playPressedMs: playMs, firstEpochMs: firstEpoch, firstBackend, onWebGPUMs: onWebGPU };
    // The move keeps the run: the epoch counter and the loss chart go on from where the CPU left them.
    const atSwitch = await page.evaluate(() => {
      const s = window.__playground!.store.getState();
      return { epoch: s.epoch, points: s.lossHistory.epochs.length, loss: s.trainLoss! };
    });
    expect(atSwitch.points).toBeGreaterThan(1);
    await expect.poll(() => epoch(page), { timeout: 30_000 }).toBeGreaterThan(atSwitch.epoch + 10);
    const later = await page.evaluate(() => window.__playground!.store.getState().lossHistory.epochs);
    expect(later.length).toBeGreaterThan(atSwitch.points);
    expect(later.every((e, i) => i === 0 || e > later[i - 1])).toBe(true);
    await screenshot(page, 'startup-webgpu');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU: trains on the CPU at once', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    const errors = watchErrors(page);
    const playMs = await openAndPlay(page);
    const firstEpoch = await whenShown(page, 'epoch', /[1-9]/);
    figures.cpu = { playPressedMs: playMs, firstEpochMs: firstEpoch, firstBackend: (await page.getByTestId('backend').textContent()) ?? '' };
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/CPU/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
