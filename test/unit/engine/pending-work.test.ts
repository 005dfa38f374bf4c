// The pending-work contract without a GPU: a buffer given up while the open encoder may use it is destroyed
// only after that encoder is submitted; a submit's validation error reaches the next settled() once.
import { describe, expect, it } from 'vitest';
import { DeviceErrors } from '../../../src/engine/backend/webgpu/device-errors';
import { PendingWork } from '../../../src/engine/backend/webgpu/pending-work';

/** Just enough of a GPUDevice: encoders, a queue whose submits log, error scopes that report `nextError`. */
function fakeDevice() {
  const log: string[] = [];
  let nextError: string | null = null;
  const scopes: (string | null)[] = [];
  const device = {
    createCommandEncoder: () => ({
      beginComputePass: () => ({ end: () => log.push('end pass') }),
      finish: () => ({}),
    }),
    queue: { submit: () => log.push('submit') },
    pushErrorScope: () => scopes.push(null),
    popErrorScope: async () => {
      scopes.pop();
      const message = nextError;
      nextError = null;
      return message ? { message } : null;
    },
    addEventListener: () => {},
  };
  const buffer = (name: string) => ({ destroy: () => log.push(`destroy ${name}`) });
  return { device: device as unknown as GPUDevice, log, buffer: buffer as unknown as (name: string) => GPUBuffer, fail: (m: string) => (nextError = m) };
}

describe('pending work', () => {
  it('destroys a buffer given up under an open encoder only after that encoder is submitted', () => {
    const { device, log, buffer } = fakeDevice();
    const errors = new DeviceErrors(device, () => {});
    const work = new PendingWork(device, errors);
    work.retire(buffer('idle'));
    expect(log).toEqual(['destroy idle']);
    work.openPass();
    work.added({ kernel: 'unary', elements: [4, 4] });
    work.retire(buffer('a'));
    work.retire(buffer('b'));
    expect(log).toEqual(['destroy idle']);
    work.flush();
    expect(log).toEqual(['destroy idle', 'end pass', 'submit', 'destroy a', 'destroy b']);
  });

  it('a failed submit is announced naming its dispatches and rejects the next settled(), once', async () => {
    const { device, fail } = fakeDevice();
    const announced: string[] = [];
    const errors = new DeviceErrors(device, (e) => announced.push(e.message));
    const work = new PendingWork(device, errors);
    work.openPass();
    work.added({ kernel: 'matmul_small_00', elements: [6, 8, 1, 12] });
    fail('[Buffer] used in submit while destroyed');
    work.flush();
    await expect(errors.settled()).rejects.toThrow(
      'WebGPU: a submit (1 dispatch: matmul_small_00 (6, 8, 1, 12 elements)) failed: [Buffer] used in submit while destroyed',
    );
    expect(announced).toHaveLength(1);
    await expect(errors.settled()).resolves.toBeUndefined();
  });
});
