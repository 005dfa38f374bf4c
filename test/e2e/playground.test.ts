// The playground in a real Chromium: it trains, restores TensorFlow Playground links, survives hostile hashes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from './browser';

const TF_LINK =
  '#activation=relu&batchSize=20&dataset=xor&regDataset=reg-plane&learningRate=0.1&regularizationRate=0&noise=10' +
  '&networkShape=5,3&seed=0.12345&showTestData=true&discretize=true&percTrainData=60&x=true&y=true&xTimesY=true' +
  '&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false' +
  '&problem=classification&initZero=false&hideText=false';

const HOSTILE_HASHES: Record<string, string> = {
  prototypes: '#__proto__=1&constructor=x&networkShape=999999,-1,NaN&learningRate=1e999&%E0%A4%A=1',
  html: `#activation=${encodeURIComponent('<img src=x onerror=alert(1)>')}&dataset=<img src=x onerror=alert(1)>&<b>bold</b>=1`,
  huge: `#networkShape=${'9,'.repeat(50_000)}`,
};

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Open the app at a hash, collecting uncaught errors and any dialog (an alert would mean injected script ran). */
async function open(hash = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  return { page, errors };
}

async function epoch(page: Page): Promise<number> {
  return Number((await page.getByTestId('epoch').textContent())?.replace(/[^\d]/g, ''));
}

async function trainLoss(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-loss').textContent());
}

async function isPlaying(page: Page): Promise<boolean> {
  return (await page.getByTestId('play-pause').getAttribute('aria-pressed')) === 'true';
}

describe('playground', () => {
  it('loads without errors, trains on play, and the loss falls', async () => {
    const { page, errors } = await open();
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/WebGPU|CPU/);
    await expect.poll(() => trainLoss(page), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await trainLoss(page);
    expect(await epoch(page)).toBe(0);
    await screenshot(page, 'default');

    await page.getByTestId('play-pause').click();
    expect(await isPlaying(page)).toBe(true);
    await expect.poll(() => epoch(page), { timeout: 60_000 }).toBeGreaterThan(20);
    await expect.poll(() => trainLoss(page), { timeout: 60_000 }).toBeLessThan(before * 0.8);
    await page.getByTestId('play-pause').click();
    expect(await isPlaying(page)).toBe(false);
    await screenshot(page, 'training');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the backend badge opens the engine panel: a fused step per dispatch, and live rates while training', async () => {
    // The GPU path asked for (on SwiftShader the measured choice is the CPU worker; worker.test.ts covers it).
    const { page, errors } = await open('#backend=webgpu');
    // Settled: training moved to WebGPU, or stays on the CPU because there is no WebGPU.
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toMatch(/^WebGPU|^CPU fallback/);
    const onGpu = /^WebGPU/.test((await page.getByTestId('backend').textContent()) ?? '');
    if (process.env.REQUIRE_WEBGPU === '1') expect(onGpu).toBe(true);
    await page.getByTestId('backend').click();
    await expect.poll(() => page.getByTestId('engine-path').textContent(), { timeout: 30_000 }).toMatch(onGpu ? /^Fused training step: 1 GPU dispatch per step$/ : /^CPU/);
    await page.getByTestId('play-pause').click();
    await expect.poll(async () => Number((await page.getByTestId('engine.stepsPerSecond').textContent())?.replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    if (onGpu) {
      expect(Number((await page.getByTestId('engine.dispatchesPerSecond').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
      // After warm-up a frame creates no GPU buffer.
      await expect.poll(() => page.getByTestId('engine.buffersPerSecond').textContent(), { timeout: 30_000 }).toBe('0.0');
    }
    await page.getByTestId('play-pause').click();
    await screenshot(page, 'engine-panel');
    await page.getByTestId('backend').click();
    await expect.poll(() => page.getByTestId('engine-panel').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('restores a TensorFlow Playground link and rewrites the hash canonically', async () => {
    const { page, errors } = await open(TF_LINK);
    expect(await page.getByTestId('activation').inputValue()).toBe('relu');
    expect(await page.getByTestId('learning-rate').inputValue()).toBe('0.1');
    expect(await page.getByTestId('regularization-rate').inputValue()).toBe('0');
    expect(await page.getByTestId('problem').inputValue()).toBe('classification');
    expect(await page.getByTestId('batch-size').inputValue()).toBe('20');
    expect(await page.getByTestId('noise').inputValue()).toBe('10');
    expect(await page.getByTestId('perc-train').inputValue()).toBe('60');
    expect(await page.getByTestId('dataset-xor').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('layer-count').textContent()).toMatch(/2/);
    expect(await page.getByTestId('neuron-count-0').textContent()).toMatch(/5/);
    expect(await page.getByTestId('neuron-count-1').textContent()).toMatch(/3/);
    for (const [feature, on] of Object.entries({ x: true, y: true, xTimesY: true, xSquared: false, ySquared: false, sinX: false, sinY: false })) {
      expect(await page.getByTestId(`feature-${feature}`).getAttribute('aria-pressed'), feature).toBe(String(on));
    }
    expect(await page.getByTestId('show-test-data').isChecked()).toBe(true);
    expect(await page.getByTestId('discretize').isChecked()).toBe(true);

    // Canonical: every setting written back in the app's own order, ignored keys dropped; reloading it is a fixed point.
    const hash = await page.evaluate(() => location.hash);
    for (const pair of ['activation=relu', 'batchSize=20', 'dataset=xor', 'learningRate=0.1', 'networkShape=5,3', 'percTrainData=60', 'xTimesY=true', 'sinY=false']) {
      expect(hash).toContain(pair);
    }
    expect(hash).not.toBe(TF_LINK);
    await page.reload();
    await page.getByTestId('play-pause').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe(hash);
    // The restored network is drawn once the backend has started and published its first results.
    await expect.poll(async () => (await page.getByTestId('train-loss').textContent()) ?? '', { timeout: 60_000 }).toMatch(/\d/);
    await screenshot(page, 'tf-link');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a browser without WebGPU it trains on the CPU, says why, and draws every heatmap', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    // What Firefox or Safari without WebGPU present: no navigator.gpu at all.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    const errors = watchErrors(page);
    await page.goto(baseUrl);
    await page.getByTestId('play-pause').waitFor();
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toBe('CPU fallback · this browser has no WebGPU (navigator.gpu is missing)');
    await expect.poll(() => trainLoss(page), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await trainLoss(page);
    await page.getByTestId('play-pause').click();
    await expect.poll(() => epoch(page), { timeout: 60_000 }).toBeGreaterThan(20);
    await expect.poll(() => trainLoss(page), { timeout: 60_000 }).toBeLessThan(before * 0.8);
    await page.getByTestId('play-pause').click();
    // Every heatmap canvas (features, neurons, the output plot) shows a pattern, not one flat colour.
    const colours = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas'), (canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      }),
    );
    expect(colours.length).toBeGreaterThan(10);
    for (const count of colours) expect(count).toBeGreaterThan(3);
    await screenshot(page, 'cpu-fallback');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps running on hostile hashes, shows what it ignored, and never renders URL text as HTML', async () => {
    for (const [name, hash] of Object.entries(HOSTILE_HASHES)) {
      const { page, errors } = await open(hash);
      await expect(page.getByTestId('url-notice').isVisible(), name).resolves.toBe(true);
      expect(await page.locator('img').count(), name).toBe(0);
      expect(await page.locator('b:text("bold")').count(), name).toBe(0);
      expect(await page.getByTestId('activation').inputValue(), name).toBe('tanh');
      // Still trains: one step advances the epoch.
      await page.getByTestId('step').click();
      await expect.poll(() => epoch(page), { timeout: 30_000 }).toBe(1);
      if (name === 'prototypes') await screenshot(page, 'hostile');
      await page.getByTestId('url-notice-dismiss').click();
      expect(await page.getByTestId('url-notice').count(), name).toBe(0);
      expect(await page.evaluate(() => location.hash.length), name).toBeLessThan(2_000);
      expect(errors, name).toEqual([]);
      await page.close();
    }
  });

  it('answers space, → and r, but not while typing in an input', async () => {
    const { page, errors } = await open();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => epoch(page), { timeout: 30_000 }).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => epoch(page), { timeout: 30_000 }).toBe(2);
    await page.keyboard.press('r');
    await expect.poll(() => epoch(page)).toBe(0);

    await page.keyboard.press('Space');
    expect(await isPlaying(page)).toBe(true);
    await expect.poll(() => epoch(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.keyboard.press('Space');
    expect(await isPlaying(page)).toBe(false);

    await page.getByTestId('classroom-toggle').click();
    await page.getByTestId('classroom-link').focus();
    const atFocus = await epoch(page);
    await page.keyboard.press('r');
    await page.keyboard.press('ArrowRight');
    expect(await isPlaying(page)).toBe(false);
    expect(await epoch(page)).toBe(atFocus);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('edits a bias live from its hover card and shows a hovered neuron large', async () => {
    const { page, errors } = await open();
    await expect.poll(() => trainLoss(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('bias-1-0').click();
    await page.getByTestId('value-editor').fill('2.5');
    await page.getByTestId('value-editor').press('Enter');
    await expect.poll(() => page.getByTestId('hover-card').textContent()).toContain('2.500');
    expect(await page.getByTestId('value-editor').count()).toBe(0);
    // Escape cancels an edit: the value stays.
    await page.getByTestId('bias-1-0').click();
    await page.getByTestId('value-editor').fill('-9');
    await page.getByTestId('value-editor').press('Escape');
    await page.getByTestId('epoch').hover();
    await page.getByTestId('bias-1-0').hover();
    await expect.poll(() => page.getByTestId('hover-card').textContent()).toContain('2.500');
    // Hovering a neuron shows its own heatmap in the output panel.
    await page.getByTestId('neuron-1-0').hover();
    await expect.poll(() => page.getByTestId('output-caption').textContent()).toMatch(/1/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hides controls for the classroom and builds a link that hides them', async () => {
    const { page, errors } = await open();
    await page.getByTestId('classroom-toggle').click();
    await page.getByTestId('hide-learningRate').check();
    await page.getByTestId('hide-stepButton').check();
    expect(await page.getByTestId('learning-rate').count()).toBe(0);
    expect(await page.getByTestId('step').count()).toBe(0);
    const link = await page.getByTestId('classroom-link').inputValue();
    expect(link).toContain('learningRate_hide=true');
    expect(link).toContain('stepButton_hide=true');
    await screenshot(page, 'classroom');

    const fresh = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const freshErrors = watchErrors(fresh);
    await fresh.goto(link);
    await fresh.getByTestId('play-pause').waitFor();
    expect(await fresh.getByTestId('learning-rate').count()).toBe(0);
    expect(await fresh.getByTestId('step').count()).toBe(0);
    expect(await fresh.getByTestId('activation').count()).toBe(1);
    expect([...errors, ...freshErrors]).toEqual([]);
    await fresh.close();
    await page.close();
  });
});
