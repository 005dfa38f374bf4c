// Page side of test/e2e/wasm-worker.test.ts: starts the worker (bundled by Vite) and publishes its report
// on window.__wasmWorker.
import type { WasmWorkerReport } from './wasm-worker';

declare global {
  interface Window {
    __wasmWorker?: WasmWorkerReport | { error: string };
  }
}

const worker = new Worker(new URL('./wasm-worker.ts', import.meta.url), { type: 'module' });
const publish = (report: WasmWorkerReport | { error: string }): void => {
  window.__wasmWorker = report;
  document.getElementById('log')!.textContent = JSON.stringify(report, null, 2);
};
worker.onmessage = (e: MessageEvent<WasmWorkerReport | { error: string }>) => publish(e.data);
worker.onerror = (e) => publish({ error: `worker failed: ${e.message}` });
