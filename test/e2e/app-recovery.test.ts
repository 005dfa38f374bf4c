// Recovery in a real Chromium: a GPU device lost mid-training comes back with its weights, and a
// diverging run pauses and rolls back with a message instead of drawing NaN.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from './browser';

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(hash = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  await page.waitForFunction(() => window.__playground !== undefined);
  return { page, errors };
}

/** The store's numbers the views draw. */
function results(page: Page) {
  return page.evaluate(() => {
    const s = window.__playground!.store.getState();
    const params = s.network ? [...s.network.weights.flat(2), ...s.network.biases.flat()] : [];
    const grids = s.heatmaps ? [s.heatmaps.output, ...s.heatmaps.columns.flat()] : [];
    return {
      epoch: s.epoch,
      playing: s.playing,
      trainLoss: s.trainLoss,
      backend: s.backend,
      error: s.error,
      alert: s.alert,
      history: [...s.lossHistory.train, ...s.lossHistory.test],
      allFinite:
        Number.isFinite(s.trainLoss) &&
        Number.isFinite(s.testLoss) &&
        params.every(Number.isFinite) &&
        grids.every((g) => g.every(Number.isFinite)) &&
        [...s.lossHistory.train, ...s.lossHistory.test].every(Number.isFinite),
    };
  });
}

describe('recovery', () => {
  it('a GPU device lost mid-training: training goes on from the loss it had, and returns to WebGPU', async () => {
    // WebGPU by choice: on a software adapter the measured choice may be the CPU worker.
    const { page, errors } = await open('#backend=webgpu');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 120_000 }).toMatch(/^WebGPU/);
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => (await results(page)).epoch, { timeout: 120_000 }).toBeGreaterThan(30);
    const before = await results(page);
    expect(await page.evaluate(() => window.__playground!.loseDevice())).toBe(true);
    // Training moves to the CPU at once, with the reason in the badge, then back to WebGPU once the device
    // is recreated, with no error shown.
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/^CPU fallback · the GPU device was lost .*; recreating it$/);
    await screenshot(page, 'device-lost');
    await expect.poll(async () => (await results(page)).backend.name, { timeout: 120_000 }).toBe('webgpu');
    await expect.poll(async () => (await results(page)).epoch, { timeout: 120_000 }).toBeGreaterThan(before.epoch + 10);
    const after = await results(page);
    expect(after.error).toBeNull();
    expect(after.alert).toBeNull();
    expect(after.playing).toBe(true);
    expect(after.allFinite).toBe(true);
    // Zeroed weights would put the loss back near its start (about 0.5 and more); it stays near where it was.
    expect(after.trainLoss!).toBeLessThan(before.trainLoss! * 1.5 + 0.02);
    // The chart kept its points from before the loss.
    expect(after.history.length).toBeGreaterThan(before.history.length);
    await screenshot(page, 'device-lost-restored');
    expect(errors).toEqual([]);
    await page.close();
  });

  const diverging: [string, string][] = [
    ['regression', '#problem=regression&regDataset=reg-plane&activation=relu&learningRate=10'],
    ['classification', '#problem=classification&dataset=circle&activation=relu&learningRate=10&regularization=L2&regularizationRate=10'],
  ];
  for (const [problem, hash] of diverging) {
    it(`${problem} that diverges pauses, rolls back and says what to try, in English and Spanish`, async () => {
      const { page, errors } = await open(hash);
      await expect.poll(async () => (await results(page)).trainLoss, { timeout: 60_000 }).not.toBeNull();
      await page.getByTestId('play-pause').click();
      await page.getByTestId('training-alert').waitFor({ timeout: 60_000 });
      const r = await results(page);
      expect(r.playing).toBe(false);
      expect(r.alert).toMatchObject({ kind: 'diverged', learningRate: 10 });
      expect(r.allFinite).toBe(true);
      expect(await page.getByTestId('training-alert').textContent()).toMatch(/diverged.*Try a lower one, such as 0\.1/);
      // Every loss on screen is a number, and no link card or label says NaN.
      expect(await page.getByTestId('train-loss').textContent()).toMatch(/^\d+\.\d{3}$/);
      expect(await page.getByTestId('test-loss').textContent()).toMatch(/^\d+\.\d{3}$/);
      expect(await page.locator('body').textContent()).not.toMatch(/NaN|Infinity/);
      await page.locator('[data-testid^="link-"]').first().hover({ force: true });
      expect(await page.getByTestId('hover-card').textContent()).toMatch(/-?\d+\.\d{3}/);
      await screenshot(page, `diverged-${problem}`);
      await page.evaluate(() => window.__playground!.store.getState().setLocale('es'));
      expect(await page.getByTestId('training-alert').textContent()).toMatch(/divergió.*Prueba una menor, como 0\.1/);
      // Training again from there at the suggested rate works.
      await page.evaluate(() => window.__playground!.store.getState().setLocale('en'));
      await page.getByTestId('learning-rate').selectOption('0.1');
      await page.getByTestId('training-alert-dismiss').click();
      const epoch = r.epoch;
      await page.getByTestId('play-pause').click();
      await expect.poll(async () => (await results(page)).epoch, { timeout: 120_000 }).toBeGreaterThan(epoch + 5);
      expect((await results(page)).alert).toBeNull();
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
