// Image lessons in a real Chromium (WebGPU on SwiftShader): the 8×8 digits load with their progress bar,
// an epoch trains and the loss falls, test accuracy, the confusion matrix and the test images show, a digit
// drawn on the canvas gets class probabilities; the small CNN trains frame by frame with its filters drawn.
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

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
  const errors = watchErrors(page);
  await page.goto(baseUrl + hash);
  await page.getByTestId('play-pause').waitFor();
  try {
    await expect.poll(() => page.getByTestId('train-loss').textContent(), { timeout: 90_000 }).toMatch(/\d/);
  } catch (error) {
    await screenshot(page, 'images-not-trained');
    throw new Error(`${error}; page errors: ${errors.join(' | ')}; page says: ${(await page.locator('body').innerText()).slice(0, 600)}`);
  }
  return { page, errors };
}

const number = async (page: Page, testId: string) => Number.parseFloat((await page.getByTestId(testId).textContent()) ?? '');

/** A stroke through the canvas, in fractions of its size. */
async function draw(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.getByTestId('draw-digit').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

describe('image lessons', () => {
  it('8×8 digits, MLP: an epoch lowers the loss; test accuracy, confusion matrix and test images show; a drawn digit gets probabilities', async () => {
    const { page, errors } = await open('#dataset=digits8&imageModel=mlp&optimizer=adam&learningRate=0.001&batchSize=32');
    expect(await page.getByTestId('image-dataset-digits8').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('image-counts').textContent()).toMatch(/1437.*360/);
    // model.summary()'s figures, live: (64 + 1)·256 + (256 + 1)·256 + (256 + 1)·10.
    expect(await page.getByTestId('total-params').textContent()).toBe('85,002');
    const initial = await number(page, 'train-loss');
    expect(initial).toBeGreaterThan(1.5);
    await page.getByTestId('step').click();
    await expect.poll(() => page.getByTestId('epoch').textContent(), { timeout: 60_000 }).toMatch(/1/);
    await expect.poll(() => number(page, 'train-loss'), { timeout: 30_000 }).toBeLessThan(initial * 0.7);
    expect(await number(page, 'test-accuracy')).toBeGreaterThan(50);
    expect(await page.getByTestId('confusion-matrix').locator('tbody tr').count()).toBe(10);
    expect(await page.getByTestId('test-images').locator('li').count()).toBe(40);
    await page.getByTestId('only-mistakes').check();
    const wrong = await page.getByTestId('test-images').locator('li.wrong').count();
    expect(wrong).toBe(await page.getByTestId('test-images').locator('li').count());
    // A "1": one vertical stroke.
    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await expect.poll(() => page.getByTestId('digit-probabilities').textContent(), { timeout: 30_000 }).toMatch(/\d+\.\d%/);
    const probabilities = await page.getByTestId('digit-probabilities').locator('.probability-value').allTextContents();
    expect(probabilities).toHaveLength(10);
    const sum = probabilities.reduce((s, text) => s + Number.parseFloat(text), 0);
    expect(sum).toBeGreaterThan(99);
    expect(sum).toBeLessThan(101);
    expect(await page.getByTestId('drawn-digit-seen').count()).toBe(1);
    await screenshot(page, 'images-digits8-mlp');
    // In Spanish: the views' words and the class names' table.
    await page.getByTestId('language-es').click();
    expect(await page.locator('#images-training-title').textContent()).toBe('Entrenamiento');
    expect(await page.getByTestId('image-counts').textContent()).toMatch(/imágenes de entrenamiento/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('8×8 digits, small CNN: trains frame by frame with progress (images/s) and its 16 filters drawn', async () => {
    const { page, errors } = await open('#dataset=digits8&imageModel=cnn&optimizer=adam&learningRate=0.003&batchSize=32');
    expect(await page.getByTestId('conv-filters').locator('canvas').count()).toBe(16);
    const initial = await number(page, 'train-loss');
    await page.getByTestId('play-pause').click();
    await expect.poll(() => page.getByTestId('image-progress').textContent(), { timeout: 60_000 }).toMatch(/images\/s/);
    await expect.poll(() => number(page, 'train-loss'), { timeout: 120_000 }).toBeLessThan(initial * 0.8);
    await page.getByTestId('play-pause').click();
    // The convolution step-through: the next position's sum of nine products.
    expect(await page.getByTestId('step-formula').textContent()).toMatch(/^f1,1 = p11·a11 \+ … \+ p33·a33 \+ b = (-?\d+\.\d\d·\d\.\d\d \+ ){9}-?\d+\.\d\d = -?\d+\.\d\d$/);
    await page.getByTestId('step-next').click();
    expect(await page.getByTestId('step-position').textContent()).toMatch(/row 1, column 2/);
    expect(await page.getByTestId('step-formula').textContent()).toMatch(/^f1,2 = /);
    // Inside: every layer's output for a chosen test image.
    await page.getByTestId('test-images').locator('button').nth(2).click();
    await expect.poll(() => page.getByTestId('feature-maps').locator('figcaption').textContent(), { timeout: 30_000 }).toMatch(/test image 3/);
    expect(await page.getByTestId('feature-maps').locator('.feature-layer').count()).toBeGreaterThanOrEqual(7);
    expect(await page.getByTestId('step-formula').textContent()).toMatch(/^f1,2 = /);
    await screenshot(page, 'images-digits8-cnn');
    expect(errors).toEqual([]);
    await page.close();
  });
});
