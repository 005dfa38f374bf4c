// The bench page: every engine runs in this one page on the same adapter; the runner calls `window.bench`.
// TensorFlow.js is imported here only (never by the app bundle).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setBackend } from '../src/index';
import { WORKLOADS } from './workloads';
import type { AdapterDescription, BenchApi, Budget, CellResult, EngineId } from './workloads/types';

declare global {
  interface Window {
    bench: BenchApi;
  }
}

const logEl = document.getElementById('log')!;
const log = (line: string): void => {
  logEl.textContent += line + '\n';
};

async function adapter(): Promise<AdapterDescription | null> {
  const a = await navigator.gpu?.requestAdapter();
  if (!a) return null;
  const { vendor, architecture, device, description } = a.info;
  return { vendor, architecture, device, description };
}

async function useTfjs(backend: 'webgpu' | 'cpu'): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
}

async function runCell(id: string, engine: EngineId, budget: Budget): Promise<CellResult> {
  const workload = WORKLOADS.find((w) => w.id === id);
  if (!workload) throw new Error(`bench.run: unknown workload "${id}"; expected one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  switch (engine) {
    case 'tfjs_webgpu':
    case 'tfjs_cpu':
      await useTfjs(engine === 'tfjs_webgpu' ? 'webgpu' : 'cpu');
      return workload.tfjs(budget);
    case 'ours_webgpu':
    case 'ours_cpu':
      try {
        await setBackend(engine === 'ours_webgpu' ? 'webgpu' : 'cpu');
        return await workload.ours(budget);
      } catch (e) {
        return { value: null, note: `not available: ${e instanceof Error ? e.message : String(e)}` };
      }
  }
}

window.bench = {
  adapter,
  workloads: () => WORKLOADS.map(({ id, what, unit, targets }) => ({ id, what, unit, targets })),
  async run(id, engine, budget) {
    log(`${id} · ${engine} …`);
    let result: CellResult;
    try {
      result = await runCell(id, engine, budget);
    } catch (e) {
      result = { value: null, note: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    log(`  ${result.value ?? result.note}`);
    return result;
  },
};
