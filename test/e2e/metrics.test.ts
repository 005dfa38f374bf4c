// How well it learned, and taking the model away, in a real Chromium: the metrics panel and confusion matrix
// on a three-class set, the summary, lesson files saved and opened (picker and drop), a broken file, and the
// PyTorch and Keras exports.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from './browser';

let browser: Browser;
const baseUrl = inject('baseUrl');
const BLOBS = '#dataset=blobs&classes=3&noise=20&networkShape=6&optimizer=adam&learningRate=0.01&showTestData=true';

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  await expect.poll(() => page.getByTestId('train-loss').textContent(), { timeout: 60_000 }).toMatch(/\d/);
  return { page, errors };
}

async function epoch(page: Page): Promise<number> {
  return Number((await page.getByTestId('epoch').textContent())?.replace(/\D/g, ''));
}

/** Step `count` epochs and wait until the page shows them. */
async function steps(page: Page, count: number): Promise<void> {
  const start = await epoch(page);
  for (let i = 0; i < count; i++) await page.getByTestId('step').click();
  await expect.poll(() => epoch(page), { timeout: 60_000 }).toBe(start + count);
}

/** The confusion matrix's counts, row by row. */
async function confusion(page: Page, classes: number): Promise<number[][]> {
  const rows: number[][] = [];
  for (let a = 0; a < classes; a++) {
    const row: number[] = [];
    for (let p = 0; p < classes; p++) row.push(Number(await page.getByTestId(`confusion-cell-${a}-${p}`).textContent()));
    rows.push(row);
  }
  return rows;
}

describe('metrics panel', () => {
  it('three classes: report, confusion matrix and summary render and update; a cell highlights its points', async () => {
    const { page, errors } = await open(BLOBS);
    const panel = page.getByTestId('metrics-panel');
    await panel.waitFor();
    expect(await page.getByTestId('metrics-part-test').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-testid^="confusion-cell-"]').count()).toBe(9);
    const before = await confusion(page, 3);
    const testRows = before.flat().reduce((a, b) => a + b, 0);
    expect(testRows).toBeGreaterThan(0);
    expect(await page.getByTestId('class-report').locator('tbody tr').count()).toBe(4);
    // The panel's accuracy is the one the output column shows.
    expect(await page.getByTestId('metric-accuracy').textContent()).toBe(await page.getByTestId('test-accuracy').textContent());

    await steps(page, 15);
    await expect.poll(async () => JSON.stringify(await confusion(page, 3))).not.toBe(JSON.stringify(before));
    const after = await confusion(page, 3);
    expect(after.flat().reduce((a, b) => a + b, 0)).toBe(testRows);
    const diagonal = after[0][0] + after[1][1] + after[2][2];
    expect(diagonal / testRows).toBeGreaterThan(0.8);
    expect(await page.getByTestId('metric-accuracy').textContent()).toBe(await page.getByTestId('test-accuracy').textContent());
    expect(Number(await page.getByTestId('macro-f1').textContent())).toBeGreaterThan(0.8);

    // A cell with examples highlights exactly that many points on the plot.
    await page.getByTestId('confusion-cell-1-1').click();
    await expect.poll(() => page.locator('[data-testid="output-plot"] circle.highlighted').count()).toBe(after[1][1]);
    expect(await page.getByTestId('highlight-note').textContent()).toContain(String(after[1][1]));
    await screenshot(page, 'metrics-blobs-3');
    await page.getByTestId('confusion-cell-1-1').click();
    expect(await page.locator('[data-testid="output-plot"] circle.highlighted').count()).toBe(0);

    // The training part, and the summary following the architecture.
    await page.getByTestId('metrics-part-train').click();
    expect(await page.getByTestId('metrics-part-train').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('summary-total').textContent()).toContain(String(2 * 6 + 6 + 6 * 3 + 3));
    // Accuracy over epochs and the parameter histograms, a ridge per snapshot.
    expect(await page.getByTestId('accuracy-panel').locator('path.loss-line.train').getAttribute('d')).toMatch(/^M.+L/);
    const ridges = await page.getByTestId('histogram-weights-1').locator('path.histogram-ridge').count();
    expect(ridges).toBeGreaterThan(3);
    expect(ridges).toBeLessThanOrEqual(10);
    expect(await page.getByTestId('histogram-biases-2').locator('path.histogram-ridge').count()).toBe(ridges);
    await page.getByTestId('histogram-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'metrics-curves-histograms');
    await page.getByTestId('add-neuron-0').click();
    await expect.poll(() => page.getByTestId('summary-total').textContent()).toContain(String(2 * 7 + 7 + 7 * 3 + 3));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('breast cancer: ROC and precision-recall curves with their areas', async () => {
    const { page, errors } = await open('#dataset=breast-cancer&percTrainData=80&networkShape=8&activation=relu&optimizer=adam&learningRate=0.01');
    await steps(page, 3);
    const roc = page.getByTestId('roc-curve');
    await roc.waitFor();
    const auc = Number(/AUC ([\d.]+)/.exec((await roc.locator('figcaption').textContent()) ?? '')?.[1]);
    expect(auc).toBeGreaterThan(0.9);
    expect(await page.getByTestId('pr-curve').locator('path.curve-line').getAttribute('d')).toMatch(/^M.+L/);
    await page.getByTestId('metrics-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'metrics-breast-cancer');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('lesson files and export', () => {
  it('the plot downloads as a PNG with its legend', async () => {
    const { page, errors } = await open(BLOBS);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-plot').click()]);
    expect(download.suggestedFilename()).toBe('blobs-plot.png');
    const png = readFileSync(await download.path());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const svg = page.getByTestId('output-plot').locator('svg');
    const svgWidth = Number(await svg.getAttribute('width'));
    const svgHeight = Number(await svg.getAttribute('height'));
    // Twice the CSS size, and a legend row under the plot.
    expect(width).toBe(2 * svgWidth);
    expect(height).toBe(2 * (svgHeight + 26));
    // Kept for a look.
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/plot-download.png', png);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a saved lesson opens in another page (picker, then drop) with the same test accuracy and epoch', async () => {
    const { page, errors } = await open(BLOBS);
    await steps(page, 6);
    const accuracy = await page.getByTestId('test-accuracy').textContent();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-lesson').click()]);
    expect(download.suggestedFilename()).toBe('blobs-epoch-6.lesson.json');
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'webgpu-nn-playground/lesson', version: 1, lesson: { epoch: 6 } });

    const other = await open('#dataset=circle');
    await other.page.getByTestId('open-lesson').setInputFiles(path);
    await expect.poll(() => epoch(other.page), { timeout: 60_000 }).toBe(6);
    await expect.poll(() => other.page.getByTestId('test-accuracy').textContent()).toBe(accuracy);
    expect(await other.page.evaluate(() => location.hash)).toContain('dataset=blobs');
    // Training goes on from there.
    await steps(other.page, 1);
    expect(other.errors).toEqual([]);
    await other.page.close();

    // Dropped on the page.
    const third = await open('#dataset=xor');
    await third.page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'lesson.json', { type: 'application/json' }));
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, text);
    await expect.poll(() => epoch(third.page), { timeout: 60_000 }).toBe(6);
    await expect.poll(() => third.page.getByTestId('test-accuracy').textContent()).toBe(accuracy);
    expect(third.errors).toEqual([]);
    await third.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a lesson on an uploaded CSV saves its table and opens in a page that never saw the CSV, with the same test accuracy', async () => {
    const { page, errors } = await open('#dataset=circle');
    const rows = Array.from({ length: 80 }, (_, i) => `${(i % 3) * 2 + (i % 7) / 10};${(i % 5) / 2};${['rojo', 'azul'][i % 2]};${'abc'[i % 3]}`.replace(/\./g, ','));
    await page.getByTestId('csv-input').setInputFiles({ name: 'plantas.csv', mimeType: 'text/csv', buffer: Buffer.from(['alto;ancho;color;clase', ...rows].join('\n')) });
    await page.getByTestId('csv-train').click();
    await expect.poll(() => page.getByTestId('dataset-upload').getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('true');
    await steps(page, 5);
    const accuracy = await page.getByTestId('test-accuracy').textContent();
    expect(await page.getByTestId('save-lesson').isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-lesson').click()]);
    const path = await download.path();
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    expect(saved.lesson.table).toMatchObject({ name: 'plantas.csv', target: 'clase', classNames: ['a', 'b', 'c'] });
    expect(saved.lesson.table.y).toHaveLength(80);

    const other = await open('#dataset=xor');
    await other.page.getByTestId('open-lesson').setInputFiles(path);
    await expect.poll(() => epoch(other.page), { timeout: 60_000 }).toBe(5);
    await expect.poll(() => other.page.getByTestId('test-accuracy').textContent()).toBe(accuracy);
    expect(await other.page.getByTestId('dataset-upload').textContent()).toContain('plantas.csv');
    await screenshot(other.page, 'lesson-file-csv-opened');
    await steps(other.page, 1);
    expect(other.errors).toEqual([]);
    await other.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a broken file says what is wrong and the lesson keeps running', async () => {
    const { page, errors } = await open(BLOBS);
    await page.getByTestId('play-pause').click();
    await expect.poll(() => epoch(page), { timeout: 60_000 }).toBeGreaterThan(0);
    const hash = await page.evaluate(() => location.hash);
    await page.getByTestId('open-lesson').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "webgpu-nn-playground/lesson", "version": 7}') });
    await expect.poll(() => page.getByTestId('file-error').textContent()).toMatch(/version 7 is not supported; expected 1/);
    const running = await epoch(page);
    expect(await page.getByTestId('play-pause').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => epoch(page), { timeout: 60_000 }).toBeGreaterThan(running);
    expect(await page.evaluate(() => location.hash)).toBe(hash);
    await page.getByTestId('open-lesson').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('these are my notes') });
    await expect.poll(() => page.getByTestId('file-error').textContent()).toMatch(/not valid JSON/);
    await page.getByTestId('play-pause').click();
    await screenshot(page, 'lesson-file-broken');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('export buttons download PyTorch and Keras scripts of the trained model with its data', async () => {
    const { page, errors } = await open('#dataset=iris&percTrainData=80&networkShape=8&optimizer=adam&learningRate=0.01');
    await steps(page, 2);
    for (const [button, file, marker] of [
      ['export-pytorch', 'iris_pytorch.py', 'def build_model'],
      ['export-keras', 'iris_keras.py', 'layers.Normalization'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
      expect(download.suggestedFilename()).toBe(file);
      const script = readFileSync(await download.path(), 'utf8');
      expect(script).toContain(marker);
      expect(script).toContain("'x_test': ((30, 4)");
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
