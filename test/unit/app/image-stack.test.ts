import { describe, expect, it } from 'vitest';
import { summarizeStack } from '../../../src/app/image-stack';
import { IMAGE_PRESETS } from '../../../src/data/image-presets';
import { Sequential, layerFromConfig, layers } from '../../../src/index';

describe('summarizeStack', () => {
  it("the course's CNN on 28×28: 80,266 parameters, the shapes model.summary() gives", () => {
    const summary = summarizeStack([28, 28, 1], IMAGE_PRESETS['cnn-course'].layers);
    expect(summary.problem).toBeNull();
    expect(summary.totalParams).toBe(80266);
    expect(summary.rows.map((r) => r.outputShape)).toEqual([[26, 26, 64], [13, 13, 64], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576], [10]]);
  });

  it('agrees with the engine: every preset on 28×28, shapes and counts as the built model has them', async () => {
    for (const preset of Object.values(IMAGE_PRESETS)) {
      const model = new Sequential([layers.input({ shape: [28, 28, 1] }), ...preset.layers.map((l) => layerFromConfig(l.type, l.config))], { seed: 1 });
      const built = model.summary();
      const ours = summarizeStack([28, 28, 1], preset.layers);
      expect(ours.totalParams).toBe(built.totalParams);
      expect(ours.rows.map((r) => [null, ...r.outputShape!])).toEqual(built.rows.map((r) => r.outputShape));
      model.dispose();
    }
  });

  it('an impossible stack names the layer and why; the layers after it have no shape', () => {
    const tooSmall = summarizeStack([8, 8, 1], IMAGE_PRESETS.cnn.layers);
    expect(tooSmall.problem).toMatch(/does not fit a 1×1 input/);
    expect(tooSmall.rows[3].problem).toBe(tooSmall.problem);
    expect(tooSmall.rows[4].outputShape).toBeNull();
    const unflattened = summarizeStack([28, 28, 1], [{ type: 'Conv2D', config: { filters: 4, kernelSize: 3 } }, { type: 'Dense', config: { units: 10 } }]);
    expect(unflattened.rows[1].problem).toMatch(/add layers.flatten\(\) before it/);
    expect(summarizeStack([5, 5, 1], [{ type: 'Conv2D', config: { filters: 4, kernelSize: 7 } }]).problem).toMatch(/kernel 7×7 .* does not fit a 5×5 input/);
  });
});
