// Image lessons in a real Chromium (WebGPU on SwiftShader): the 8×8 digits load with their progress bar,
// an epoch trains and the loss falls, test accuracy, the confusion matrix and the test images show, a digit
// drawn on the canvas gets class probabilities; the small CNN trains frame by frame with its filters drawn; the
// layer-stack editor (live shapes, an impossible stack refused, the link); a saved image lesson reopened.
import { readFileSync } from 'node:fs';
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
    // The mistakes need every test image's prediction, read when the box is ticked: then every tile shown is wrong.
    const mistakes = Number((await page.locator('.mistakes-toggle').textContent())!.match(/\d+/)![0]);
    await page.getByTestId('only-mistakes').check();
    const tiles = page.getByTestId('test-images').locator('li');
    await expect.poll(async () => [await tiles.count(), await tiles.and(page.locator('.wrong')).count()], { timeout: 30_000 }).toEqual([Math.min(40, mistakes), Math.min(40, mistakes)]);
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

const epochNumber = async (page: Page) => Number(((await page.getByTestId('epoch').textContent()) ?? '').replace(/,/g, ''));

describe('the layer-stack editor and image lesson files', () => {
  it('add a convolution and change its filters: shapes and parameters follow; an impossible kernel disables Run with the reason; fixed, an epoch trains; a reload keeps the stack', async () => {
    const { page, errors } = await open('#dataset=digits8&imageModel=mlp&optimizer=adam&learningRate=0.001&batchSize=32');
    const layer = (i: number) => page.getByTestId('stack-layer').nth(i);
    expect(await page.getByTestId('stack-layer').count()).toBe(5);
    await page.getByTestId('stack-add-type').selectOption('Conv2D');
    await page.getByTestId('stack-add').click();
    // A convolution goes before the Flatten: 8×8×1 → 6×6×16, (3·3·1 + 1)·16 parameters.
    await expect.poll(() => layer(0).getByTestId('stack-shape').textContent()).toBe('6×6×16');
    expect(await layer(0).getByTestId('stack-params').textContent()).toBe('160');
    await page.getByTestId('stack-filters-0').fill('8');
    await expect.poll(() => layer(0).getByTestId('stack-shape').textContent()).toBe('6×6×8');
    expect(await layer(0).getByTestId('stack-params').textContent()).toBe('80');
    expect(await layer(1).getByTestId('stack-shape').textContent()).toBe('288');
    // 80 + (288 + 1)·256 + (256 + 1)·256 + (256 + 1)·10.
    expect(await page.getByTestId('total-params').textContent()).toBe((80 + 289 * 256 + 257 * 256 + 257 * 10).toLocaleString('en-US'));
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('imageModel=conv_8_3,flat,dense_256,drop_0.45,dense_256,drop_0.45');
    expect(await page.getByTestId('image-model').inputValue()).toBe('');

    // An 11×11 kernel on an 8×8 image: explained on its layer, and training cannot start.
    await page.getByTestId('stack-kernelSize-0').selectOption('11');
    await expect.poll(() => layer(0).getByTestId('stack-problem').textContent()).toBe('The 11×11 kernel is larger than its 8×8 input: take a smaller kernel, padding "same", or fewer poolings before it.');
    expect(await page.getByTestId('play-pause').isDisabled()).toBe(true);
    expect(await page.getByTestId('step').isDisabled()).toBe(true);
    expect(await page.getByTestId('save-lesson').isDisabled()).toBe(true);
    expect(await page.getByTestId('export-pytorch').isDisabled()).toBe(true);
    expect(await page.getByTestId('run-blocked').textContent()).toMatch(/^Training cannot start\. Layer 1: The 11×11 kernel is larger/);
    expect(await layer(1).getByTestId('stack-shape').textContent()).toBe('–');
    await screenshot(page, 'images-stack-impossible');
    await page.getByTestId('language-es').click();
    expect(await page.getByTestId('run-blocked').textContent()).toMatch(/^No se puede entrenar\. Capa 1: El kernel de 11×11 es mayor que su entrada de 8×8/);
    await page.getByTestId('language-en').click();

    // Fixed: Run is back and one epoch lowers the loss.
    await page.getByTestId('stack-kernelSize-0').selectOption('3');
    await expect.poll(() => page.getByTestId('play-pause').isDisabled()).toBe(false);
    expect(await page.getByTestId('run-blocked').count()).toBe(0);
    await expect.poll(() => number(page, 'train-loss'), { timeout: 60_000 }).toBeGreaterThan(1.5);
    const initial = await number(page, 'train-loss');
    await page.getByTestId('step').click();
    await expect.poll(() => epochNumber(page), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => number(page, 'train-loss'), { timeout: 30_000 }).toBeLessThan(initial * 0.8);
    await screenshot(page, 'images-stack-edited');

    // Reload: the link holds the edited stack.
    await page.reload();
    await page.getByTestId('play-pause').waitFor();
    await expect.poll(() => layer(0).getByTestId('stack-shape').textContent(), { timeout: 60_000 }).toBe('6×6×8');
    expect(await page.getByTestId('stack-filters-0').inputValue()).toBe('8');
    // Back to a preset in one click: its layers, and its name in the link.
    await page.getByTestId('image-model').selectOption('cnn');
    await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('imageModel');
    expect(await page.getByTestId('stack-layer').count()).toBe(6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an image lesson saved and opened in another page: the same epoch and test accuracy, and training goes on', async () => {
    const { page, errors } = await open('#dataset=digits8&imageModel=conv_6_3_1_same,max_2,flat,dense_32&optimizer=adam&learningRate=0.003&batchSize=32');
    await page.getByTestId('step').click();
    await expect.poll(() => epochNumber(page), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('test-accuracy').textContent(), { timeout: 30_000 }).toMatch(/\d/);
    const accuracy = await page.getByTestId('test-accuracy').textContent();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-lesson').click()]);
    expect(download.suggestedFilename()).toBe('digits8-epoch-1.lesson.json');
    const path = await download.path();
    // The exported script reads the shipped image file rather than carrying the images.
    const [script] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pytorch').click()]);
    expect(script.suggestedFilename()).toBe('digits8_pytorch.py');
    const text = readFileSync(await script.path(), 'utf8');
    expect(text).toContain('DATA_FILE = "digits8.images.gz"');
    expect(text).toMatch(/\(\"conv2d\", nn\.Conv2d\(1, 6, kernel_size=\(3, 3\)/);

    const other = await open('#dataset=digits8&imageModel=mlp');
    await other.page.getByTestId('open-lesson').setInputFiles(path);
    await expect.poll(() => epochNumber(other.page), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => other.page.getByTestId('test-accuracy').textContent(), { timeout: 30_000 }).toBe(accuracy);
    expect(await other.page.evaluate(() => location.hash)).toContain('imageModel=conv_6_3_1_same,max_2,flat,dense_32');
    expect(await other.page.getByTestId('stack-layer').count()).toBe(4);
    await other.page.getByTestId('step').click();
    await expect.poll(() => epochNumber(other.page), { timeout: 60_000 }).toBe(2);
    expect(other.errors).toEqual([]);
    await other.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
