// The app's engine: two paths, and the faster one trains. The CPU path (a Web Worker running the WebAssembly
// backend, see worker-network.ts) trains from the first frame; WebGPU starts beside it on the page's thread
// (engine-startup.ts). Once WebGPU is ready, a short burst of steps on the lesson's own network times each
// path, and training moves (same weights) to the faster one, or to the one the user chose (the `backend`
// row). Device losses move training back to the CPU worker as engine-startup.ts describes.
import { wrap, type Remote } from 'comlink';
import type { ModelJSON } from '../index';
import { chooseBackend, measureStepsPerSecond, type BackendMeasurement, type BackendPreference, type PathRates, type TrainingPath } from './backend-choice';
import { startBackends, type BackendEvent, type BackendStartup } from './engine-startup';
import type { NetworkHost } from './network-host';
import { SequentialNetwork } from './sequential-engine';
import type { BackendInfo } from './store';
import { EMPTY_DATA_SET, type DataSet, type EngineAdapter, type EngineNetwork, type NetworkSpec } from './trainer';
import { WorkerNetwork } from './worker-network';

/** Long enough for a rate within a few percent on either path, short enough not to be noticed. */
const MEASURE_MS = 150;

export interface MeasuredEngine extends EngineAdapter {
  /** The user's choice changed (the engine panel's select): move training if it says so. */
  setPreference(preference: BackendPreference): void;
}

/** The engine worker, started once per page. */
export function startEngineWorker(): Remote<NetworkHost> {
  return wrap<NetworkHost>(new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' }));
}

export function createMeasuredEngine(host: Remote<NetworkHost>, preference: BackendPreference = 'auto'): MeasuredEngine {
  let backends: BackendStartup | null = null;
  let emit: (event: BackendEvent) => void = () => {};
  let cpuDescription = '';
  let current: TrainingPath = 'cpu';
  /** WebGPU's info and how to make it active, while its device is usable. */
  let gpu: { info: BackendInfo; activate: () => void } | null = null;
  let gpuStarting = false;
  /** Why WebGPU is not in use when that is not the user's or the measurement's choice. */
  let gpuProblem: string | null = null;
  let rates: PathRates = { webgpu: null, cpu: null };
  let measuring: Promise<void> | null = null;
  let last: { spec: NetworkSpec; train: DataSet } | null = null;
  let stopped = false;

  const measurement = (): BackendMeasurement => ({ rates, preference, choice: chooseBackend(preference, rates, gpu !== null) });
  const cpuInfo = (): BackendInfo => ({
    name: 'cpu',
    description: cpuDescription,
    fallbackReason: gpuProblem,
    preparing: gpuStarting ? 'webgpu' : null,
    measured: measurement(),
  });
  const currentInfo = (): BackendInfo => (current === 'webgpu' && gpu ? { ...gpu.info, measured: measurement() } : cpuInfo());

  /** Train on the path the preference and the rates choose; otherwise only refresh what the panel shows. */
  const decide = (): void => {
    if (stopped) return;
    const choice = measurement().choice;
    if (choice === current) return emit({ type: 'status', info: currentInfo() });
    if (choice === 'webgpu' && gpu) {
      const { activate } = gpu;
      return emit({ type: 'switch', info: { ...gpu.info, measured: measurement() }, activate: () => ((current = 'webgpu'), activate()), lost: false });
    }
    emit({ type: 'switch', info: cpuInfo(), activate: () => void (current = 'cpu'), lost: false });
  };

  /** Time each available path (WebGPU when its device is ready) on the lesson's latest network and data, then decide. */
  const measure = (): Promise<void> => {
    if (measuring || !last) return measuring ?? Promise.resolve();
    const { spec, train } = last;
    const activate = gpu?.activate;
    measuring = (async () => {
      let webgpu: number | null = null;
      if (activate) {
        // The page's thread trains nothing while the worker does, so WebGPU may be made active for the burst.
        activate();
        const network = await SequentialNetwork.create(spec);
        try {
          network.setData(train, EMPTY_DATA_SET, EMPTY_DATA_SET);
          webgpu = await measureStepsPerSecond(async (steps) => {
            await network.trainBatches(steps);
            await network.workDone();
          }, () => performance.now(), MEASURE_MS);
        } finally {
          network.dispose();
        }
      }
      rates = { webgpu, cpu: await host.measure(spec, train, MEASURE_MS) };
    })()
      .catch((error: unknown) => emit({ type: 'error', message: `measuring the backends failed: ${error instanceof Error ? error.message : String(error)}` }))
      .finally(() => {
        measuring = null;
        decide();
      });
    return measuring;
  };

  const gpuEvent = (event: BackendEvent): void => {
    if (stopped) return;
    if (event.type === 'error') return emit(event);
    if (event.type === 'status') {
      // WebGPU failed to start, or a lost device could not be recreated.
      gpuStarting = false;
      gpu = null;
      gpuProblem = event.info.fallbackReason;
      return emit({ type: 'status', info: cpuInfo() });
    }
    if (event.info.name === 'webgpu') {
      // Ready, or recreated after a loss.
      gpuStarting = false;
      gpuProblem = null;
      gpu = { info: event.info, activate: event.activate };
      if (rates.webgpu === null && last) void measure();
      else decide();
      return;
    }
    // The device was lost: the worker takes over at once (from the last snapshot) while it is recreated.
    gpu = null;
    gpuStarting = true;
    gpuProblem = event.info.fallbackReason;
    if (current !== 'webgpu') return emit({ type: 'status', info: cpuInfo() });
    emit({ type: 'switch', info: cpuInfo(), activate: () => ((current = 'cpu'), event.activate()), lost: true });
  };

  return {
    async start(onEvent = () => {}): Promise<BackendInfo> {
      emit = onEvent;
      cpuDescription = await host.start();
      backends?.stop();
      backends = await startBackends(true, gpuEvent);
      gpuStarting = backends.first.preparing === 'webgpu';
      gpuProblem = backends.first.fallbackReason;
      return cpuInfo();
    },
    async createNetwork(spec: NetworkSpec, saved: ModelJSON | null = null): Promise<EngineNetwork> {
      const network = current === 'webgpu' ? await SequentialNetwork.create(spec, saved) : await WorkerNetwork.create(host, spec, saved);
      // Remember the lesson's network and data: what a measurement times.
      const setData = network.setData.bind(network);
      network.setData = (train, validation, test, firstRow) => {
        last = { spec, train };
        setData(train, validation, test, firstRow);
        // Measured on the first data, unless WebGPU is still starting (its readiness starts the measurement).
        if (!gpuStarting && rates.cpu === null) void measure();
      };
      return network;
    },
    setPreference(next: BackendPreference): void {
      if (next === preference) return;
      preference = next;
      if (!measuring) decide();
    },
    loseDevice: () => backends?.loseDevice() ?? false,
    failedFromLoss: () => backends?.failedFromLoss() ?? Promise.resolve(false),
    stop: () => {
      stopped = true;
      backends?.stop();
    },
  };
}
