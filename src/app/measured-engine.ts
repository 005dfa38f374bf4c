// The app's engine: two paths, and the faster one trains. The CPU path (a Web Worker running the WebAssembly
// backend, see worker-network.ts) trains from the first frame; WebGPU starts beside it on the page's thread
// (engine-startup.ts). A short burst of steps on the lesson's own network times each path, and training
// moves (same weights) to the faster one, or to the one the user chose (the `backend` row). A network of
// another cost class (network-cost.ts: another lesson's shapes, another architecture or batch) is timed
// again (the trainer's frames wait the burst out, training stays where it is); rates are kept per cost
// class, so going back measures nothing.
// Device losses move training back to the CPU worker as engine-startup.ts describes.
import { wrap, type Remote } from 'comlink';
import type { ModelJSON } from '../index';
import { chooseBackend, measureStepsPerSecond, type BackendMeasurement, type BackendPreference, type MeasuredNetwork, type PathRates, type TrainingPath } from './backend-choice';
import { startBackends, type BackendEvent, type BackendStartup } from './engine-startup';
import { costClass, parameterCount } from './network-cost';
import type { NetworkHost } from './network-host';
import { SequentialNetwork } from './sequential-engine';
import type { BackendInfo } from './store';
import { EMPTY_DATA_SET, type DataSet, type EngineAdapter, type EngineNetwork, type NetworkSpec } from './trainer';
import { WorkerNetwork } from './worker-network';

/** Long enough for a rate within a few percent on either path, short enough not to be noticed. */
const MEASURE_MS = 150;
const UNMEASURED: PathRates = { webgpu: null, cpu: null };

export interface MeasuredEngine extends EngineAdapter {
  /** The user's choice changed (the engine panel's select): move training if it says so. */
  setPreference(preference: BackendPreference): void;
}

/** What the measured engine runs on; tests replace the paths with fakes. */
export interface MeasuredEngineParts {
  /** The CPU worker: started, and timed there on a throwaway network. */
  host: { start(): Promise<string>; measure(spec: NetworkSpec, train: DataSet, minMs: number): Promise<number> };
  startBackends: typeof startBackends;
  /** Steps per second of a throwaway network of `spec` on WebGPU, made active on the page's thread. */
  measureWebGPU(spec: NetworkSpec, train: DataSet, minMs: number): Promise<number>;
  createNetwork(path: TrainingPath, spec: NetworkSpec, saved: ModelJSON | null): Promise<EngineNetwork>;
}

/** The engine worker, started once per page. */
export function startEngineWorker(): Remote<NetworkHost> {
  return wrap<NetworkHost>(new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' }));
}

async function measureWebGPU(spec: NetworkSpec, train: DataSet, minMs: number): Promise<number> {
  const network = await SequentialNetwork.create(spec);
  try {
    network.setData(train, EMPTY_DATA_SET, EMPTY_DATA_SET);
    return await measureStepsPerSecond(async (steps) => {
      await network.trainBatches(steps);
      await network.workDone();
    }, () => performance.now(), minMs);
  } finally {
    network.dispose();
  }
}

/** The browser's parts: the worker behind `host`, WebGPU on the page's thread. */
export function browserParts(host: Remote<NetworkHost>): MeasuredEngineParts {
  return {
    host,
    startBackends,
    measureWebGPU,
    createNetwork: (path, spec, saved) => (path === 'webgpu' ? SequentialNetwork.create(spec, saved) : WorkerNetwork.create(host, spec, saved)),
  };
}

export function createMeasuredEngine(parts: MeasuredEngineParts, preference: BackendPreference = 'auto'): MeasuredEngine {
  const { host } = parts;
  let backends: BackendStartup | null = null;
  let emit: (event: BackendEvent) => void = () => {};
  let cpuDescription = '';
  let current: TrainingPath = 'cpu';
  /** WebGPU's info and how to make it active, while its device is usable. */
  let gpu: { info: BackendInfo; activate: () => void } | null = null;
  let gpuStarting = false;
  /** Why WebGPU is not in use when that is not the user's or the measurement's choice. */
  let gpuProblem: string | null = null;
  /** The measured rates of each cost class met on this page. */
  const ratesByClass = new Map<string, PathRates>();
  /** The network the trainer trains now (its cost class, spec, size and training set): what a measurement times. */
  let lesson: { key: string; spec: NetworkSpec; network: MeasuredNetwork; train: DataSet } | null = null;
  let measuring: Promise<void> | null = null;
  /** Ends a WebGPU burst in progress when its device is lost. */
  let signalLoss = (): void => {};
  let stopped = false;

  const lessonRates = (): PathRates | null => (lesson ? (ratesByClass.get(lesson.key) ?? null) : null);
  /** The lesson's network has no rate for a path that could be timed now (WebGPU counts once its device is ready). */
  const unmeasured = (): boolean => {
    const rates = lesson && lessonRates();
    return lesson !== null && (!rates || (gpu !== null && rates.webgpu === null));
  };
  const choice = (): TrainingPath => {
    // Until the new network is timed, `auto` stays where it trains: the old rates say nothing about it.
    if (preference === 'auto' && measuring && unmeasured()) return gpu ? current : 'cpu';
    return chooseBackend(preference, lessonRates() ?? UNMEASURED, gpu !== null);
  };
  const measurement = (): BackendMeasurement => ({
    rates: lessonRates() ?? UNMEASURED,
    network: lesson?.network ?? null,
    measuring: measuring !== null,
    preference,
    choice: choice(),
  });
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
    const chosen = choice();
    if (chosen === current) return emit({ type: 'status', info: currentInfo() });
    if (chosen === 'webgpu' && gpu) {
      const { activate } = gpu;
      return emit({ type: 'switch', info: { ...gpu.info, measured: measurement() }, activate: () => ((current = 'webgpu'), activate()), lost: false });
    }
    emit({ type: 'switch', info: cpuInfo(), activate: () => void (current = 'cpu'), lost: false });
  };

  /**
   * Time each available path (WebGPU when its device is ready) on the lesson's network, again while the
   * network changed to an unmeasured class during a measurement; then decide. The bursts run on throwaway
   * networks, WebGPU's on the page's thread and the CPU's in the worker; meanwhile the trainer's frames
   * train nothing (trainingHeld), since a path that also trained would be timed at a fraction of its rate.
   */
  const measure = (): Promise<void> => {
    if (measuring) return measuring;
    measuring = (async () => {
      while (!stopped && !gpuStarting && unmeasured()) {
        const { key, spec, train } = lesson!;
        const activate = gpu?.activate;
        let webgpu: number | null = null;
        if (activate) {
          // The trainer's frames are held: WebGPU may be made active on the page's thread for the burst.
          activate();
          // A lost device may never finish the burst: it is timed again once the device is recreated.
          const lost = new Promise<null>((resolve) => (signalLoss = () => resolve(null)));
          webgpu = await Promise.race([parts.measureWebGPU(spec, train, MEASURE_MS), lost]);
          if (webgpu === null) break;
        }
        ratesByClass.set(key, { webgpu, cpu: await host.measure(spec, train, MEASURE_MS) });
      }
    })()
      .catch((error: unknown) => emit({ type: 'error', message: `measuring the backends failed: ${error instanceof Error ? error.message : String(error)}` }))
      .finally(() => {
        measuring = null;
        decide();
      });
    // The panel says the new network is being timed.
    decide();
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
      if (unmeasured()) return void measure();
      return emit({ type: 'status', info: cpuInfo() });
    }
    if (event.info.name === 'webgpu') {
      // Ready, or recreated after a loss.
      gpuStarting = false;
      gpuProblem = null;
      gpu = { info: event.info, activate: event.activate };
      if (unmeasured()) void measure();
      else decide();
      return;
    }
    // The device was lost: the worker takes over at once (from the last snapshot) while it is recreated.
    gpu = null;
    gpuStarting = true;
    signalLoss();
    gpuProblem = event.info.fallbackReason;
    if (current !== 'webgpu') return emit({ type: 'status', info: cpuInfo() });
    emit({ type: 'switch', info: cpuInfo(), activate: () => ((current = 'cpu'), event.activate()), lost: true });
  };

  return {
    async start(onEvent = () => {}): Promise<BackendInfo> {
      emit = onEvent;
      cpuDescription = await host.start();
      backends?.stop();
      backends = await parts.startBackends(true, gpuEvent);
      gpuStarting = backends.first.preparing === 'webgpu';
      gpuProblem = backends.first.fallbackReason;
      return cpuInfo();
    },
    createNetwork: (spec: NetworkSpec, saved: ModelJSON | null = null): Promise<EngineNetwork> => parts.createNetwork(current, spec, saved),
    networkChanged(spec: NetworkSpec, train: DataSet): void {
      const key = costClass(spec);
      if (key === lesson?.key) {
        // The same work per step (new data, another learning rate): the rates hold; the next burst uses these.
        lesson = { ...lesson, spec, train };
        return;
      }
      lesson = { key, spec, network: { parameters: parameterCount(spec), batchRows: spec.batchRows }, train };
      if (stopped) return;
      // A class measured before moves training at once; a new one is timed first (unless WebGPU is still
      // starting: its readiness starts the measurement).
      if (unmeasured() && !gpuStarting) void measure();
      else decide();
    },
    trainingHeld: () => measuring !== null,
    setPreference(next: BackendPreference): void {
      if (next === preference) return;
      preference = next;
      decide();
    },
    loseDevice: () => backends?.loseDevice() ?? false,
    failedFromLoss: () => backends?.failedFromLoss() ?? Promise.resolve(false),
    stop: () => {
      stopped = true;
      backends?.stop();
    },
  };
}
