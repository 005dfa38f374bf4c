import { describe, expect, it } from 'vitest';
import { struct, structsWgsl } from '../../../src/engine/backend/webgpu/struct-layout';
import { FILE_LAYOUTS, optimizerParams, updateRule } from '../../../src/engine/backend/webgpu/layouts';
import { kernelSource } from '../../../src/engine/backend/webgpu/kernels';
import { loadShaders } from '../../../src/engine/backend/webgpu/shaders';

describe('struct layouts (one declaration for WGSL and the writer)', () => {
  const block = struct('Demo', { n: 'u32', scale: 'f32', shift: 'i32', shape: 'vec8u', tail: 'u32' });

  it('writes fields by name at WGSL offsets: arrays 16-byte aligned, the block padded to 16 bytes', () => {
    const words = block.write({ n: 7, scale: 0.5, shift: -2, shape: [3, 4], tail: 9 });
    expect(words.length).toBe(16);
    expect(words[0]).toBe(7);
    expect(new Float32Array(words.buffer)[1]).toBe(0.5);
    expect(new Int32Array(words.buffer)[2]).toBe(-2);
    expect(words[3]).toBe(0); // padding before the array
    expect([...words.slice(4, 12)]).toEqual([3, 4, 0, 0, 0, 0, 0, 0]);
    expect(words[12]).toBe(9);
    expect(block.offsetOf('tail')).toBe(12);
  });

  it('generates the WGSL struct with the same padding spelled out', () => {
    expect(block.wgsl()).toBe(
      'struct Demo {\n  n: u32,\n  scale: f32,\n  shift: i32,\n  _pad0: u32,\n  shape: array<vec4u, 2>,\n  tail: u32,\n  _pad1: u32,\n  _pad2: u32,\n  _pad3: u32,\n}\n',
    );
  });

  it('nests structs at 16-byte offsets and declares the nested one first, once', () => {
    const words = optimizerParams.write({
      size: 10,
      segment_count: 2,
      masked: 0,
      rule: { kind: 2, nesterov: 0, lr: 0.1, momentum: 0, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    });
    expect(words.length).toBe(12);
    expect(words[4]).toBe(2);
    expect(words[5]).toBe(0);
    expect(new Float32Array(words.buffer)[6]).toBeCloseTo(0.1);
    const text = structsWgsl([optimizerParams, updateRule]);
    expect(text.indexOf('struct UpdateRule')).toBeLessThan(text.indexOf('struct Params'));
    expect(text.match(/struct UpdateRule/g)).toHaveLength(1);
  });

  it('names a missing, unknown or too long field', () => {
    expect(() => block.write({ n: 1, scale: 1, shift: 0, shape: [] } as never)).toThrow(/Demo\.tail was not given/);
    expect(() => block.write({ n: 1, scale: 1, shift: 0, shape: [], tail: 0, extra: 1 } as never)).toThrow(/Demo has no field "extra"/);
    expect(() => block.write({ n: 1, scale: 1, shift: 0, shape: [1, 2, 3, 4, 5, 6, 7, 8, 9], tail: 0 })).toThrow(/9 axes exceed/);
  });

  it('every kernel file gets its declared structs, and no .wgsl file declares them again', async () => {
    const shaders = await loadShaders();
    for (const [file, layouts] of Object.entries(FILE_LAYOUTS)) {
      const source = kernelSource(file as never, shaders);
      for (const l of layouts ?? []) {
        expect(source.match(new RegExp(`struct ${l.name} \\{`, 'g'))).toHaveLength(1);
      }
    }
  });
});
