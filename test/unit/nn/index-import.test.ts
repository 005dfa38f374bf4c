import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('src/index.ts', () => {
  it('imports and trains in plain Node through tsx (no bundler)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = `
      const { Sequential, layers, setBackend, getBackend } = await import('./src/index.ts');
      await setBackend('cpu');
      const m = new Sequential([layers.input({ shape: [1] }), layers.dense({ units: 1 })], { seed: 1 });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const h = await m.fit([[1], [2]], [[2], [4]], { epochs: 2 });
      console.log(getBackend(), h.history.loss.length);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('cpu 2');
  });
});
