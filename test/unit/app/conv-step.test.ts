import { describe, expect, it } from 'vitest';
import { convWindow, featureMap, poolWindow, type ConvFilter } from '../../../src/app/conv-step';
import { Sequential, layers, setBackend } from '../../../src/index';
import { createRng } from '../../../src/engine/random';

describe('conv step-through', () => {
  it("f11 = Σ p·a + b: the window's products; the feature maps equal the engine's Conv2D ('valid' and 'same')", async () => {
    await setBackend('cpu');
    const rng = createRng(3);
    const [h, w] = [7, 6];
    const image = Float32Array.from({ length: h * w }, () => rng.uniform(0, 1));
    for (const padding of ['valid', 'same'] as const) {
      const model = new Sequential([layers.input({ shape: [h, w, 1] }), layers.conv2d({ filters: 3, kernelSize: 3, padding, biasInitializer: 'glorotUniform' })], { seed: 5 });
      const [kernel, bias] = await model.getWeights();
      const f: ConvFilter = { kernel: kernel.values, kh: 3, kw: 3, filters: 3, bias: bias.values, padding };
      const engine = await model.predict({ shape: [1, h, w, 1], values: image });
      const [, oh, ow] = engine.shape;
      for (let filter = 0; filter < 3; filter++) {
        const ours = featureMap(f, filter, image, h, w);
        expect(ours).toHaveLength(oh * ow);
        ours.forEach((v, i) => expect(v).toBeCloseTo(engine.values[i * 3 + filter], 5));
      }
      const win = convWindow(f, 1, image, h, w, 0, 0);
      expect(win.products).toHaveLength(9);
      expect(win.sum).toBeCloseTo(win.products.reduce((a, b) => a + b, 0) + bias.values[1], 6);
      if (padding === 'same') expect(win.inputs.slice(0, 3)).toEqual([0, 0, 0]);
      model.dispose();
    }
  });

  it('the 2×2 pooling window holding a position', () => {
    expect(poolWindow(0, 0)).toEqual([0, 0]);
    expect(poolWindow(5, 2)).toEqual([4, 2]);
  });
});
