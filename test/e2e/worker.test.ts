// The CPU path in a Web Worker, and the measured choice between it and WebGPU: with `backend=cpu` the page
// trains through the worker (the loss falls, every heatmap draws, the engine panel names the worker's fused
// WebAssembly step) and the panel shows both paths' measured rates and the choice; `auto` picks the path
// measured faster and the select moves training; another lesson's network (the 8×8 digits CNN) is measured
// again and its rates shown, and going back shows the first network's rates without timing it again. The
// page's frame rate while training is a figure written to test-results/worker.json, not an assertion.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, screenshot, watchErrors } from './browser';

let browser: Browser;
const baseUrl = inject('baseUrl');
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}/worker.json`, JSON.stringify(figures, null, 2) + '\n');
  console.log('worker figures:', JSON.stringify(figures));
});

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  await page.waitForFunction(() => window.__playground !== undefined);
  return { page, errors };
}

const RATES = /^Measured on this network \(([\d,]+) parameters, batch of (\d+)\), steps per second: WebGPU ([\d,.]+), CPU worker ([\d,.]+)$/;
const number = (text: string): number => Number(text.replace(/,/g, ''));

/** Both paths' measured rates, once the panel shows them (for a network of `parameters`, when given). */
async function measuredRates(page: Page, parameters?: number): Promise<{ webgpu: number; cpu: number; parameters: number; batch: number }> {
  const read = async () => RATES.exec((await page.getByTestId('engine-rates').textContent()) ?? '');
  const shown = async (): Promise<boolean> => {
    const match = await read();
    return match !== null && (parameters === undefined || number(match[1]) === parameters);
  };
  await expect.poll(shown, { timeout: 180_000 }).toBe(true);
  const [, params, batch, webgpu, cpu] = (await read())!;
  return { webgpu: number(webgpu), cpu: number(cpu), parameters: number(params), batch: number(batch) };
}

/** Animation frames the page paints per second over `ms`, measured in the page. */
function pageFrameRate(page: Page, ms = 2000): Promise<number> {
  return page.evaluate(
    (ms) =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const started = performance.now();
        const tick = (): void => {
          frames++;
          if (performance.now() - started < ms) requestAnimationFrame(tick);
          else resolve((frames * 1000) / (performance.now() - started));
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

function results(page: Page) {
  return page.evaluate(() => {
    const s = window.__playground!.store.getState();
    const grids = s.heatmaps ? [s.heatmaps.output, ...s.heatmaps.columns.flat()] : [];
    return {
      epoch: s.epoch,
      trainLoss: s.trainLoss ?? Number.NaN,
      grids: grids.length,
      // A drawn heatmap varies over the plane.
      gridsVary: grids.every((g) => g.length > 0 && g.every(Number.isFinite) && Math.max(...g) > Math.min(...g)),
    };
  });
}

describe('CPU worker', () => {
  it('backend=cpu: trains through the worker, draws every heatmap, and the panel shows both rates and the choice', async () => {
    const { page, errors } = await open('#backend=cpu');
    await expect.poll(async () => (await results(page)).grids, { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await results(page);
    await page.getByTestId('backend').click();
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => (await results(page)).epoch, { timeout: 60_000 }).toBeGreaterThan(30);
    // The worker's step: one fused WebAssembly step (the page's thread has only the plain CPU backend).
    await expect.poll(() => page.getByTestId('engine-path').textContent(), { timeout: 30_000 }).toMatch(/^CPU worker \(WebAssembly\)/);
    const rates = await measuredRates(page);
    expect(rates.cpu).toBeGreaterThan(0);
    expect(rates.webgpu).toBeGreaterThan(0);
    expect(await page.getByTestId('engine-choice').textContent()).toBe('Training on CPU (worker): your choice');
    expect(await page.getByTestId('engine-backend').inputValue()).toBe('cpu');
    expect(await page.getByTestId('backend').textContent()).toBe('CPU · your choice');
    await expect.poll(async () => Number((await page.getByTestId('engine.stepsPerSecond').textContent())?.replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    const paintedPerSecond = await pageFrameRate(page);
    const after = await results(page);
    expect(after.trainLoss).toBeLessThan(before.trainLoss * 0.8);
    expect(after.gridsVary).toBe(true);
    figures.cpuWorker = {
      measured: rates,
      pageFramesPerSecondWhileTraining: Math.round(paintedPerSecond),
      trainerFramesPerSecond: await page.getByTestId('engine.framesPerSecond').textContent(),
      stepsPerSecondInPage: await page.getByTestId('engine.stepsPerSecond').textContent(),
    };
    await screenshot(page, 'worker-cpu');
    await page.getByTestId('play-pause').click();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU: the worker trains, its rate is measured, and the panel says it is the only path', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    const errors = watchErrors(page);
    await page.goto(baseUrl);
    await page.getByTestId('backend').click();
    await expect.poll(() => page.getByTestId('engine-rates').textContent(), { timeout: 60_000 }).toMatch(/^Measured on this network \(25 parameters, batch of 10\), steps per second: WebGPU —, CPU worker [\d,.]+$/);
    expect(await page.getByTestId('engine-choice').textContent()).toBe('Training on CPU (worker): the only path available');
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => (await results(page)).epoch, { timeout: 60_000 }).toBeGreaterThan(10);
    await expect.poll(() => page.getByTestId('engine-path').textContent(), { timeout: 30_000 }).toMatch(/^CPU worker \(WebAssembly\)/);
    figures.withoutWebGPU = { pageFramesPerSecondWhileTraining: Math.round(await pageFrameRate(page)) };
    await page.getByTestId('play-pause').click();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('auto: trains on the path measured faster; the select moves training to the other path and back', async () => {
    const { page, errors } = await open('');
    await page.getByTestId('backend').click();
    const rates = await measuredRates(page);
    const faster = rates.webgpu > rates.cpu ? 'webgpu' : 'cpu';
    await expect.poll(() => page.getByTestId('engine-choice').textContent()).toBe(`Training on ${faster === 'webgpu' ? 'WebGPU' : 'CPU (worker)'}: measured faster`);
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(faster === 'webgpu' ? /^WebGPU/ : /^CPU · measured faster$/);
    expect(rates).toMatchObject({ parameters: 25, batch: 10 });
    figures.auto = { measured: rates, choice: faster };
    await screenshot(page, 'worker-auto');

    // The other path, by the user's choice (a URL row): training goes on from the same epoch.
    const other = faster === 'webgpu' ? 'cpu' : 'webgpu';
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => (await results(page)).epoch, { timeout: 60_000 }).toBeGreaterThan(10);
    await page.getByTestId('engine-backend').selectOption(other);
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(other === 'webgpu' ? /^WebGPU/ : /^CPU · your choice$/);
    expect(await page.evaluate(() => location.hash)).toContain(`backend=${other}`);
    const moved = (await results(page)).epoch;
    await expect.poll(async () => (await results(page)).epoch, { timeout: 60_000 }).toBeGreaterThan(moved + 10);
    figures[`${other}ByChoice`] = { pageFramesPerSecondWhileTraining: Math.round(await pageFrameRate(page)) };
    await page.getByTestId('engine-backend').selectOption('auto');
    await expect.poll(() => page.getByTestId('engine-choice').textContent()).toMatch(/measured faster$/);
    await page.getByTestId('play-pause').click();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('another lesson is measured again: from the playground to the 8×8 digits CNN the panel shows new rates, and back the old ones at once', async () => {
    const { page, errors } = await open('');
    await page.getByTestId('backend').click();
    const playground = await measuredRates(page, 25);
    const playgroundText = await page.getByTestId('engine-rates').textContent();
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => (await results(page)).epoch, { timeout: 60_000 }).toBeGreaterThan(5);

    // A classroom link to the CNN lesson, in the same page: the lesson changes, the page is not reloaded.
    await page.evaluate(() => (location.hash = '#dataset=digits8&imageModel=cnn&optimizer=adam&learningRate=0.003&batchSize=32'));
    await page.getByTestId('image-layers').waitFor();
    const parameters = number((await page.getByTestId('total-params').textContent())!);
    const cnn = await measuredRates(page, parameters);
    expect(cnn.batch).toBe(32);
    expect(cnn.webgpu).toBeGreaterThan(0);
    expect(cnn.cpu).toBeGreaterThan(0);
    // A CNN step costs far more than the playground's on either path.
    expect(cnn.cpu).toBeLessThan(playground.cpu);
    const faster = cnn.webgpu > cnn.cpu ? 'WebGPU' : 'CPU (worker)';
    await expect.poll(() => page.getByTestId('engine-choice').textContent()).toBe(`Training on ${faster}: measured faster`);
    expect(await page.getByTestId('engine-measuring').count()).toBe(0);
    // Training goes on in the new lesson: the image progress moves.
    await expect.poll(async () => page.evaluate(() => window.__playground!.store.getState().imageProgress?.batch ?? 0), { timeout: 120_000 }).toBeGreaterThan(0);
    figures.perLesson = { playground, cnn: { ...cnn, choice: faster } };
    await screenshot(page, 'worker-cnn-measured');

    // Back to the playground: its rates come back at once, nothing is timed again.
    await page.evaluate(() => (location.hash = '#dataset=circle'));
    await expect.poll(() => page.getByTestId('engine-rates').textContent(), { timeout: 10_000 }).toBe(playgroundText);
    expect(await page.getByTestId('engine-measuring').count()).toBe(0);
    await page.getByTestId('play-pause').click();
    expect(errors).toEqual([]);
    await page.close();
  });
});
