import { describe, expect, it } from 'vitest';
import { IMAGE_PRESETS } from '../../../src/data/image-presets';
import { Sequential, layers } from '../../../src/index';
import { layerFromConfig } from '../../../src/nn/layers';

function build(id: keyof typeof IMAGE_PRESETS, side: number): Sequential {
  return new Sequential([layers.input({ shape: [side, side, 1] }), ...IMAGE_PRESETS[id].layers.map((l) => layerFromConfig(l.type, l.config))]);
}

describe('image presets', () => {
  it("match the course's parameter counts", () => {
    // summary() of the course's Keras models: the three-convolution network has 80,266 parameters on 28×28,
    // the MLP 784-256-256-10 has 269,322.
    expect(build('cnn-course', 28).summary().totalParams).toBe(80_266);
    expect(build('mlp', 28).summary().totalParams).toBe(269_322);
    expect(build('cnn', 28).summary().totalParams).toBe(56_714);
  });
});
