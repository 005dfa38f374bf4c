import { describe, expect, it } from 'vitest';
import { MAX_STACK_PARAMS, lessonLayers, lessonProblem, summarizeStack } from '../../../src/app/image-stack';
import { parseStack } from '../../../src/app/image-stack-codec';
import { translate } from '../../../src/app/i18n';
import { describeLesson } from '../../../src/app/lesson';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { IMAGE_PRESETS, type LayerConfig } from '../../../src/data/image-presets';
import { Sequential, layerFromConfig, layers } from '../../../src/index';

const settings = (over: Partial<Settings>): Settings => ({ ...defaultSettings(), ...over });

/** The summary's shapes and counts must be the built model's (Keras's model.summary()). */
function expectSameAsBuilt(inputShape: number[], stack: readonly LayerConfig[]): void {
  const model = new Sequential([layers.input({ shape: inputShape }), ...stack.map((l) => layerFromConfig(l.type, l.config))], { seed: 1 });
  const built = model.summary();
  const ours = summarizeStack(inputShape, stack);
  expect(ours.problem).toBeNull();
  expect(ours.totalParams).toBe(built.totalParams);
  expect(ours.rows.map((r) => [null, ...r.outputShape!])).toEqual(built.rows.map((r) => r.outputShape));
  expect(ours.rows.map((r) => r.params)).toEqual(built.rows.map((r) => r.params));
  model.dispose();
}

describe('summarizeStack', () => {
  it("the course's CNN on 28×28: 80,266 parameters, the shapes model.summary() gives", () => {
    const summary = summarizeStack([28, 28, 1], IMAGE_PRESETS['cnn-course'].layers);
    expect(summary.problem).toBeNull();
    expect(summary.totalParams).toBe(80266);
    expect(summary.rows.map((r) => r.outputShape)).toEqual([[26, 26, 64], [13, 13, 64], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576], [10]]);
  });

  it('agrees with the built Sequential: every preset, and edited stacks with strides, same padding, average pooling, dropout', () => {
    for (const preset of Object.values(IMAGE_PRESETS)) expectSameAsBuilt([28, 28, 1], preset.layers);
    const edited = parseStack('conv_8_5_2_same_tanh,avg_2_1,conv_12_2_1_valid_leaky-relu,flat,drop_0.3,dense_20_swish,dense_10_linear');
    expectSameAsBuilt([28, 28, 1], edited);
    expectSameAsBuilt([8, 8, 1], edited);
    // The lesson's whole network, its fixed softmax output included.
    const lesson = describeLesson(settings({ dataset: 'mnist', imageModel: 'conv_4_3,max_2,flat,dense_32' }));
    expectSameAsBuilt([28, 28, 1], lessonLayers(lesson)!);
    expect(lessonLayers(lesson)!.at(-1)).toEqual({ type: 'Dense', config: { units: 10, activation: 'softmax' } });
  });

  it('an impossible stack names the layer and why, in both languages; the layers after it have no shape', () => {
    const tooSmall = summarizeStack([8, 8, 1], IMAGE_PRESETS.cnn.layers);
    expect(tooSmall.problem).toMatchObject({ layer: 3, key: 'stack.problem.poolTooLarge', values: { size: '2×2', input: '1×1' } });
    expect(tooSmall.problem?.engine).toMatch(/does not fit a 1×1 input/);
    expect(tooSmall.rows[3].problem?.key).toBe('stack.problem.poolTooLarge');
    expect(tooSmall.rows[4].outputShape).toBeNull();
    expect(tooSmall.rows.slice(4).every((r) => r.problem === null && r.params === 0)).toBe(true);

    const kernel = summarizeStack([5, 5, 1], parseStack('conv_4_7'));
    expect(kernel.problem).toMatchObject({ layer: 0, key: 'stack.problem.kernelTooLarge', values: { size: '7×7', input: '5×5' } });
    expect(translate('en', kernel.problem!.key, kernel.problem!.values)).toBe('The 7×7 kernel is larger than its 5×5 input: take a smaller kernel, padding "same", or fewer poolings before it.');
    expect(translate('es', kernel.problem!.key, kernel.problem!.values)).toMatch(/^El kernel de 7×7 es mayor que su entrada de 5×5/);
    // 'same' padding always fits.
    expect(summarizeStack([5, 5, 1], parseStack('conv_4_7_1_same')).problem).toBeNull();

    const unflattened = summarizeStack([28, 28, 1], parseStack('conv_4_3,dense_10'));
    expect(unflattened.problem).toMatchObject({ layer: 1, key: 'stack.problem.needsFlatten', values: { shape: '26×26×4' } });
    expect(translate('en', unflattened.problem!.key, unflattened.problem!.values)).toBe('Dense needs a flat input but gets 26×26×4: add a Flatten before it.');

    expect(summarizeStack([28, 28, 1], parseStack('flat,flat')).problem).toMatchObject({ layer: 1, key: 'stack.problem.flattenTwice', values: { shape: '784' } });
    expect(summarizeStack([28, 28, 1], parseStack('flat,conv_4_3')).problem).toMatchObject({ layer: 1, key: 'stack.problem.needsImage', values: { layer: 'Conv2D', shape: '784' } });
    expect(summarizeStack([28, 28, 1], parseStack('flat,max_2')).problem).toMatchObject({ layer: 1, key: 'stack.problem.needsImage', values: { layer: 'MaxPooling2D' } });
    // Zero-size output: pools that shrink 28 → 14 → 7 → 3 → 1 → nothing.
    expect(summarizeStack([28, 28, 1], parseStack('max_2,max_2,max_2,max_2,max_2')).problem).toMatchObject({ layer: 4, key: 'stack.problem.poolTooLarge', values: { input: '1×1' } });
  });

  it('a network too large to train in a page is refused on the layer that makes it so', () => {
    const big = summarizeStack([28, 28, 1], parseStack('conv_64_3_1_same,flat,dense_1024'));
    expect(big.problem).toMatchObject({ layer: 2, key: 'stack.problem.tooManyParams', values: { max: MAX_STACK_PARAMS.toLocaleString('en-US') } });
    expect(big.problem!.values.count).toBe(((28 * 28 * 64 + 1) * 1024 + 640).toLocaleString('en-US'));
  });

  it("the lesson's problem includes its output layer: a stack without Flatten cannot end in the softmax Dense", () => {
    const noFlatten = describeLesson(settings({ dataset: 'digits8', imageModel: 'conv_4_3' }));
    expect(lessonProblem(noFlatten)).toMatchObject({ layer: 1, key: 'stack.problem.needsFlatten', values: { shape: '6×6×4' } });
    expect(lessonProblem(describeLesson(settings({ dataset: 'digits8', imageModel: 'conv_4_3,flat' })))).toBeNull();
    // The same link on another set: the small CNN's pooling fits MNIST, not an 8×8 image unpadded.
    expect(lessonProblem(describeLesson(settings({ dataset: 'mnist', imageModel: 'conv_16_3,max_2,conv_32_3,max_2,flat' })))).toBeNull();
    expect(lessonProblem(describeLesson(settings({ dataset: 'digits8', imageModel: 'conv_16_3,max_2,conv_32_3,max_2,flat' })))?.key).toBe('stack.problem.poolTooLarge');
    expect(lessonProblem(describeLesson(settings({ dataset: 'circle' })))).toBeNull();
  });
});
