// Step counters (Backend.createCounter): a one-element tensor whose 4 bytes hold the count as a u32, on
// every backend, so kernels count exactly to 2^32 steps. As an f32 the count stopped at 2^24 (adding 1 no
// longer changes it: under two hours at the playground's steps per second), freezing dropout masks and
// Adam's step. The bytes are not an f32 value (most counts read as subnormals): copy a counter as bytes
// (an upload, Float32Array.set) and read it with counterValue.

/** The tensor values holding `value` (an integer in [0, 2^32)). */
export function counterBits(value: number): Float32Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`createCounter: value must be an integer in [0, 2^32), got ${value}`);
  }
  return new Float32Array(Uint32Array.of(value).buffer);
}

/** The count a counter's values hold (as read back: one element). */
export function counterValue(values: Float32Array): number {
  return new Uint32Array(values.buffer, values.byteOffset, 1)[0];
}

/** counter += 1 in place, wrapping at 2^32 as the kernels do. */
export function incrementCounter(values: Float32Array): void {
  const count = new Uint32Array(values.buffer, values.byteOffset, 1);
  count[0] += 1;
}
