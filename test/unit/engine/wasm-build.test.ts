// The committed kernels module is what the AssemblyScript source compiles to today: rebuilding it with
// scripts/build-wasm.ts gives the same bytes (so a kernel edit without `npm run build:wasm` fails here).
import { expect, it } from 'vitest';
import { buildKernels, committedKernels } from '../../../scripts/build-wasm';

it('src/engine/backend/wasm/kernels.generated.ts matches a fresh build of assembly/kernels.ts', async () => {
  const fresh = await buildKernels();
  expect(fresh === committedKernels(), 'run `npm run build:wasm` and commit the result').toBe(true);
});
