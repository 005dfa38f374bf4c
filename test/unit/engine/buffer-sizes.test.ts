// The WebGPU buffer pool's size classes: powers of two, never past the largest buffer the device allows.
import { describe, expect, it } from 'vitest';
import { sizeClass } from '../../../src/engine/backend/webgpu/memory';

describe('sizeClass', () => {
  it('rounds up to a power of two, at least 256 bytes', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(256)).toBe(256);
    expect(sizeClass(257)).toBe(512);
    expect(sizeClass(3 << 20)).toBe(4 << 20);
  });

  it('stops at a device limit that is not a power of two, and never rounds below the request', () => {
    const limit = 3 * 2 ** 30 - 4; // a real maxBufferSize shape: just under 3 GiB
    expect(sizeClass(2 ** 31 + 4, limit)).toBe(limit);
    expect(sizeClass(2 ** 30, limit)).toBe(2 ** 30);
    expect(sizeClass(limit, limit)).toBe(limit);
    expect(sizeClass(1000, 600)).toBe(1000);
  });
});
