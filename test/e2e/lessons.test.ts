// Lessons beyond TensorFlow Playground's two classes, in a real Chromium: multi-class sets, the course's
// tables with their slice view, the training panel's choices, and every lesson URL key through the page.
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

/** Open the app at a hash; unless `untrained` (nothing to train on yet), wait for the first losses. */
async function open(hash: string, { untrained = false } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  if (!untrained) await expect.poll(() => page.getByTestId('train-loss').textContent(), { timeout: 60_000 }).toMatch(/\d/);
  return { page, errors };
}

/** A percentage shown as "96.4%", as a number (NaN before the first evaluation). */
async function percent(page: Page, testId: string): Promise<number> {
  return Number.parseFloat((await page.getByTestId(testId).textContent()) ?? '');
}

/** Run until `done` holds, then pause. */
async function trainUntil(page: Page, done: () => Promise<boolean>, timeout = 90_000): Promise<void> {
  await page.getByTestId('play-pause').click();
  await expect.poll(done, { timeout, interval: 500 }).toBe(true);
  if ((await page.getByTestId('play-pause').getAttribute('aria-pressed')) === 'true') await page.getByTestId('play-pause').click();
}

/** Distinct colours on the big plot's canvas. */
async function plotColours(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="output-plot"] canvas')!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

describe('lessons', () => {
  it('4 gaussian blobs: softmax and categorical cross-entropy reach ≥ 95% test accuracy, one colour per class', async () => {
    const { page, errors } = await open('#dataset=blobs&classes=4&noise=10&networkShape=6&optimizer=adam&learningRate=0.01&showTestData=true');
    expect(await page.getByTestId('dataset-blobs').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('class-legend').locator('li').count()).toBe(4);
    expect(await page.getByTestId('output-node-3').count()).toBe(1);
    expect(await page.getByTestId('semantics').textContent()).toMatch(/Keras/);
    await trainUntil(page, async () => (await percent(page, 'test-accuracy')) >= 95);
    expect(await percent(page, 'train-accuracy')).toBeGreaterThanOrEqual(90);
    expect(await plotColours(page)).toBeGreaterThan(50);
    await screenshot(page, 'lesson-blobs-4');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Iris: a slice through two inputs, the others held at their mean, ≥ 93% test accuracy', async () => {
    const { page, errors } = await open('#dataset=iris&percTrainData=80&networkShape=8&optimizer=adam&learningRate=0.01&showTestData=true&sliceX=2&sliceY=3&seed=0.35497');
    expect(await page.getByTestId('slice-note').textContent()).toMatch(/2/);
    expect(await page.getByTestId('axis-x').textContent()).toBe('petal length');
    expect(await page.getByTestId('axis-y').textContent()).toBe('petal width');
    expect(await page.getByTestId('input-3').count()).toBe(1);
    expect(await page.getByTestId('table-info').textContent()).toMatch(/150/);
    await trainUntil(page, async () => (await percent(page, 'test-accuracy')) >= 93);
    await screenshot(page, 'lesson-iris-slice');
    // Another pair of axes redraws the slice; the URL follows (the default axis 0 leaves the link).
    await page.getByTestId('slice-x').selectOption('0');
    await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('sliceX=');
    expect(await page.getByTestId('axis-x').textContent()).toBe('sepal length');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the other tables and sets draw: 5-arm spiral, breast cancer, the four people, the XOR table', async () => {
    // [screenshot, hash, training accuracy it must pass, after how many epochs]. The 4-row tables take one
    // step an epoch, and the seed is the page's own: enough steps (and units, for XOR) that no seed stalls.
    for (const [name, hash, minAccuracy, epochs] of [
      ['lesson-spiral3-5', '#dataset=spiral3&classes=5&networkShape=8,8&optimizer=adam&learningRate=0.01', 30, 30],
      ['lesson-breast-cancer', '#dataset=breast-cancer&percTrainData=80&networkShape=8', 85, 30],
      ['lesson-weight-height', '#dataset=weight-height&networkShape=2&optimizer=adam&learningRate=0.1', 99, 150],
      ['lesson-xor-table', '#dataset=xor-table&networkShape=8&optimizer=adam&learningRate=0.1', 99, 150],
    ] as const) {
      const { page, errors } = await open(hash);
      await page.getByTestId('play-pause').click();
      await expect.poll(async () => Number((await page.getByTestId('epoch').textContent())?.replace(/[^\d]/g, '')), { timeout: 60_000 }).toBeGreaterThan(epochs);
      await page.getByTestId('play-pause').click();
      expect(await percent(page, 'train-accuracy'), name).toBeGreaterThanOrEqual(minAccuracy);
      expect(await plotColours(page), name).toBeGreaterThan(3);
      await screenshot(page, name);
      expect(errors, name).toEqual([]);
      await page.close();
    }
  });

  it('a mismatched output and loss is warned about; early stopping marks its epoch on the chart', async () => {
    const { page, errors } = await open('#dataset=blobs&classes=3&outputActivation=softmax&loss=mse');
    await expect.poll(() => page.getByTestId('pairing-warning').textContent()).toMatch(/categorical cross-entropy/);
    await page.getByTestId('loss').selectOption('categorical_crossentropy');
    expect(await page.getByTestId('pairing-warning').count()).toBe(0);
    await page.close();

    const stopped = await open('#dataset=breast-cancer&percTrainData=80&networkShape=16,16&optimizer=adam&learningRate=0.03&validationSplit=0.2&earlyStopping=true&patience=2&restoreBestWeights=true');
    await stopped.page.getByTestId('play-pause').click();
    await expect.poll(() => stopped.page.getByTestId('loss-stopped').count(), { timeout: 90_000 }).toBe(1);
    expect(await stopped.page.getByTestId('play-pause').getAttribute('aria-pressed')).toBe('false');
    expect(await stopped.page.getByTestId('stopped-note').textContent()).toMatch(/\d/);
    expect(await stopped.page.getByTestId('validation-line').count()).toBe(1);
    expect(await stopped.page.getByTestId('validation-loss').textContent()).toMatch(/\d/);
    await screenshot(stopped.page, 'lesson-early-stopping');
    expect([...errors, ...stopped.errors]).toEqual([]);
    await stopped.page.close();
  });

  it('every lesson URL key round-trips through the page: controls show it, the canonical hash keeps it, a reload is a fixed point', async () => {
    const keys: Record<string, string> = {
      dataset: 'blobs', classes: '5', outputActivation: 'softmax', loss: 'categorical_crossentropy', optimizer: 'adam', beta1: '0.85', beta2: '0.99',
      epsilon: '1e-8', fullBatch: 'true', validationSplit: '0.2', earlyStopping: 'true', monitor: 'val_accuracy', patience: '20', minDelta: '0.001',
      restoreBestWeights: 'true', networkShape: '4,3', layerActivations: 'relu,sigmoid', dropout: '0.2', layerRegularization: 'L1,none',
      momentum: '0.8', rho: '0.95',
    };
    const hash = `#${Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('&')}`;
    const { page, errors } = await open(hash);
    const controls: Record<string, string> = {
      'output-activation': 'softmax', loss: 'categorical_crossentropy', optimizer: 'adam', beta1: '0.85', beta2: '0.99', epsilon: '1e-8',
      'validation-split': '0.2', monitor: 'val_accuracy', patience: '20', 'min-delta': '0.001', classes: '5',
      'layer-activation-0': 'relu', 'layer-activation-1': 'sigmoid', 'layer-dropout-0': '0.2', 'layer-regularization-0': 'L1', 'layer-regularization-1': 'none',
    };
    for (const [testId, value] of Object.entries(controls)) expect(await page.getByTestId(testId).inputValue(), testId).toBe(value);
    for (const testId of ['full-batch', 'early-stopping', 'restore-best-weights']) expect(await page.getByTestId(testId).isChecked(), testId).toBe(true);
    const canonical = await page.evaluate(() => location.hash);
    for (const [k, v] of Object.entries(keys)) expect(canonical, k).toContain(`${k}=${v}`);
    await page.reload();
    await page.getByTestId('play-pause').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe(canonical);
    await screenshot(page, 'lesson-training-panel');
    await page.getByTestId('language-es').click();
    expect(await page.getByTestId('training-panel').textContent()).toContain('Optimizador');
    await screenshot(page, 'lesson-training-panel-es');
    // Changing a control writes its key; going back to the default removes it from the link.
    await page.getByTestId('optimizer').selectOption('sgd');
    await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('optimizer=');
    expect(await page.evaluate(() => location.hash)).toContain('learningRate=0.01');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws its own points: click adds in the chosen class, drag erases, the link keeps them, and they train', async () => {
    const { page, errors } = await open('#dataset=drawn&classes=3&networkShape=6&optimizer=adam&learningRate=0.03&percTrainData=80', { untrained: true });
    // Viewport coordinates of a plane point (the page may scroll when a palette button is clicked).
    let surface = { x: 0, y: 0, width: 0, height: 0 };
    const measure = async () => {
      surface = (await page.getByTestId('draw-surface').boundingBox()) ?? surface;
    };
    const at = (x: number, y: number) => [surface.x + ((x + 6) / 12) * surface.width, surface.y + ((6 - y) / 12) * surface.height] as const;
    const clusters: [number, number, number][] = [[0, -3, 3], [1, 3, 3], [2, 0, -3]];
    for (const [c, cx, cy] of clusters) {
      await page.getByTestId(`draw-class-${c}`).click();
      await measure();
      for (const [dx, dy] of [[0, 0], [0.8, 0], [0, 0.8], [-0.8, 0], [0, -0.8]]) await page.mouse.click(...at(cx + dx, cy + dy));
    }
    await expect.poll(() => page.getByTestId('drawing-tools').textContent()).toMatch(/15/);
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/points=[A-Za-z0-9_-]{45}(&|$)/);
    // A drag across the third cluster's centre erases points there.
    await measure();
    await page.mouse.move(...at(-0.5, -3));
    await page.mouse.down();
    await page.mouse.move(...at(0, -3), { steps: 4 });
    await page.mouse.move(...at(0.5, -3), { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Number(((await page.getByTestId('drawing-tools').textContent()) ?? '').match(/\d+/)?.[0])).toBeLessThan(15);
    const kept = await page.evaluate(() => location.hash);
    await page.reload();
    await page.getByTestId('play-pause').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe(kept);
    await expect.poll(() => page.getByTestId('train-loss').textContent(), { timeout: 60_000 }).toMatch(/\d/);
    await trainUntil(page, async () => (await percent(page, 'train-accuracy')) >= 99);
    await screenshot(page, 'lesson-drawn');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a CSV with semicolons and decimal commas trains; a broken one leaves the running lesson untouched', async () => {
    const { page, errors } = await open('#dataset=circle');
    await page.getByTestId('play-pause').click();
    const epoch = async () => Number((await page.getByTestId('epoch').textContent())?.replace(/[^\d]/g, ''));
    await expect.poll(epoch, { timeout: 60_000 }).toBeGreaterThan(2);
    await page.getByTestId('csv-input').setInputFiles({ name: 'roto.csv', mimeType: 'text/csv', buffer: Buffer.from('alto;ancho;clase\n1,5;2,0;a\n2,5;;b\n') });
    await expect.poll(() => page.getByTestId('csv-error').textContent()).toMatch(/line 3, column 2 \("ancho"\) is empty/);
    expect(await page.getByTestId('dataset-circle').getAttribute('aria-pressed')).toBe('true');
    const before = await epoch();
    await expect.poll(epoch, { timeout: 60_000 }).toBeGreaterThan(before);
    await page.getByTestId('play-pause').click();

    const rows = Array.from({ length: 60 }, (_, i) => {
      const big = i % 2 === 1;
      return `${(big ? 6 : 2) + (i % 5) * 0.3};${(big ? 4 : 1) + (i % 3) * 0.2};${big ? 'grande' : 'pequeña'}`.replace(/\./g, ',');
    });
    await page.getByTestId('csv-input').setInputFiles({ name: 'plantas.csv', mimeType: 'text/csv', buffer: Buffer.from(['alto;ancho;clase', ...rows].join('\n')) });
    await expect.poll(() => page.getByTestId('csv-preview').count()).toBe(1);
    expect(await page.getByTestId('csv-preview').textContent()).toMatch(/60/);
    expect(await page.getByTestId('csv-target').inputValue()).toBe('2');
    await screenshot(page, 'lesson-csv-preview');
    await page.getByTestId('csv-train').click();
    expect(await page.getByTestId('dataset-upload').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => location.hash)).toContain('dataset=upload');
    await expect.poll(() => page.getByTestId('input-1').count(), { timeout: 60_000 }).toBe(1);
    await trainUntil(page, async () => (await percent(page, 'test-accuracy')) >= 95);
    await screenshot(page, 'lesson-csv');
    expect(errors).toEqual([]);
    await page.close();
  });
});
