// The bench page: every engine runs in this page on the same adapter; the runner calls `window.bench`.
// The runner opens it twice: cross-origin isolated (COOP/COEP headers: SharedArrayBuffer, so WebAssembly
// threads) for every engine, and plain for jax-js's single-threaded WASM. The peers are imported here only
// (never by the app bundle).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { init as jaxInit } from '@jax-js/jax';
import { setBackend } from '../src/index';
import { WORKLOADS } from './workloads';
import { measureCpuPeak } from './workloads/peak';
import { ENGINE_INFO, type AdapterDescription, type BenchApi, type Budget, type CellResult, type EngineId } from './workloads/types';

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

// jax-js starts its devices once per page; a device it could not start is an unavailable cell.
let jaxDevices: Promise<string[]> | undefined;

async function runCell(id: string, engine: EngineId, budget: Budget): Promise<CellResult> {
  const workload = WORKLOADS.find((w) => w.id === id);
  if (!workload) throw new Error(`bench.run: unknown workload "${id}"; expected one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  const info = ENGINE_INFO[engine];
  switch (info.library) {
    case 'tfjs':
      await useTfjs(info.device);
      return workload.tfjs(budget);
    case 'ours':
      try {
        await setBackend(info.device);
      } catch (e) {
        return { value: null, note: `not available: ${e instanceof Error ? e.message : String(e)}` };
      }
      return workload.ours(budget);
    case 'jax': {
      if (!workload.jax) return { value: null, note: workload.unsupported?.jax ?? 'not written for jax-js' };
      const devices = await (jaxDevices ??= jaxInit('webgpu', 'wasm'));
      if (!devices.includes(info.device)) return { value: null, note: `not available: jax-js could not start its ${info.device} device` };
      return workload.jax(budget, info.device);
    }
    case 'convnetjs':
      if (!workload.convnetjs) return { value: null, note: workload.unsupported?.convnetjs ?? 'not written for ConvNetJS' };
      return workload.convnetjs(budget);
  }
}

/** A training cell is valid only if its loss is finite and (in a full run) fell. */
function sanity(result: CellResult, budget: Budget): CellResult {
  const { loss } = result;
  if (result.value === null || !loss) return result;
  const fell = loss.last < loss.first;
  if (!Number.isFinite(loss.first) || !Number.isFinite(loss.last) || (budget.requireLossFall && !fell)) {
    return { ...result, value: null, note: `invalid: the mean loss of a pass over the data went from ${loss.first} (first pass) to ${loss.last} (pass ending at step ${loss.steps})` };
  }
  return {
    ...result,
    checked: budget.requireLossFall
      ? `the mean loss of a pass over the data fell from ${loss.first.toPrecision(4)} (first pass) to ${loss.last.toPrecision(4)} (pass ending at step ${loss.steps})`
      : `the loss stayed finite (${loss.first.toPrecision(4)} at step 1, ${loss.last.toPrecision(4)} at step ${loss.steps})`,
  };
}

window.bench = {
  adapter,
  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,
  workloads: () => WORKLOADS.map(({ id, what, unit, targets, flopsPerUnit }) => ({ id, what, unit, targets, ...(flopsPerUnit ? { flopsPerUnit } : {}) })),
  cpuPeak: measureCpuPeak,
  async run(id, engine, budget) {
    log(`${id} · ${engine} …`);
    let result: CellResult;
    try {
      result = sanity(await runCell(id, engine, budget), budget);
    } catch (e) {
      result = { value: null, note: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    log(`  ${result.value ?? result.note}`);
    return result;
  },
};
