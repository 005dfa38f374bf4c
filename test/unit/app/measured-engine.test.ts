// The measured engine's choice per lesson, on fake paths whose rates depend on the network: a network of
// another cost class is timed again on both paths and training moves when the other is faster; a setting
// that costs nothing per step (the learning rate) times nothing; a class met before is not timed again;
// the user's choice wins throughout.
import { describe, expect, it, vi } from 'vitest';
import type { BackendPreference, PathRates } from '../../../src/app/backend-choice';
import type { BackendEvent, BackendStartup } from '../../../src/app/engine-startup';
import { createBackend, useBackend } from '../../../src/index';
import { SequentialNetwork } from '../../../src/app/sequential-engine';
import { describeLesson } from '../../../src/app/lesson';
import { createMeasuredEngine } from '../../../src/app/measured-engine';
import { costClass, parameterCount } from '../../../src/app/network-cost';
import type { BackendInfo } from '../../../src/app/store';
import { networkSpec, type DataSet, type NetworkSpec } from '../../../src/app/trainer';
import { defaultSettings, type Settings } from '../../../src/app/url-table';

const spec = (overrides: Partial<Settings>, rows = 250): NetworkSpec => networkSpec(describeLesson({ ...defaultSettings(), ...overrides }), rows);
const train: DataSet = { x: new Float32Array(4), y: new Float32Array(2), labels: new Float32Array(2), rows: 2 };

const PLAYGROUND = spec({});
const DIGITS_CNN = spec({ dataset: 'digits8', imageModel: 'cnn' }, 1000);
const WIDER = spec({ networkShape: [8, 8] });
const FASTER_LEARNING = spec({ learningRate: 0.3 });

/** A fake CPU worker and WebGPU whose rates per network are `rates(spec)`; records every event and every burst. */
function fakeEngine(rates: (spec: NetworkSpec) => PathRates, preference: BackendPreference = 'auto', webgpuBurst: (rate: number) => Promise<number> = async (rate) => rate) {
  let onGpuEvent: (event: BackendEvent) => void = () => {};
  const events: BackendEvent[] = [];
  const timed = { webgpu: [] as NetworkSpec[], cpu: [] as NetworkSpec[] };
  const startup: BackendStartup = {
    first: { name: 'cpu', description: 'fake cpu', fallbackReason: null, preparing: 'webgpu' },
    loseDevice: () => false,
    failedFromLoss: async () => false,
    stop: () => {},
  };
  const engine = createMeasuredEngine(
    {
      host: {
        start: async () => 'fake cpu worker',
        measure: async (s: NetworkSpec) => (timed.cpu.push(s), rates(s).cpu!),
      },
      startBackends: async (_prefer, onEvent) => ((onGpuEvent = onEvent), startup),
      measureWebGPU: (s) => (timed.webgpu.push(s), webgpuBurst(rates(s).webgpu!)),
      createNetwork: () => Promise.reject(new Error('no network is built in these tests')),
    },
    preference,
  );
  const gpuInfo: BackendInfo = { name: 'webgpu', description: 'fake gpu', fallbackReason: null, preparing: null };
  return {
    engine,
    timed,
    events,
    /** Start, with the trainer's part of a switch: it calls `activate` (after moving the network). */
    start: () => engine.start((event) => (events.push(event), event.type === 'switch' && event.activate())),
    gpuReady: () => onGpuEvent({ type: 'switch', info: gpuInfo, activate: () => {}, lost: false }),
    gpuLost: () => onGpuEvent({ type: 'switch', info: { ...startup.first, fallbackReason: 'lost on purpose' }, activate: () => {}, lost: true }),
    /** Where training runs now, and the panel's last measurement, as the last event said. */
    last: () => {
      const event = events.at(-1);
      if (!event || event.type === 'error') throw new Error(`no backend event yet: ${JSON.stringify(event)}`);
      return { path: event.info.name, measured: event.info.measured! };
    },
  };
}

/** WebGPU wins on image networks by far, loses on the small dense ones (as on a software adapter). */
const software = (s: NetworkSpec): PathRates => (s.stack ? { webgpu: 900, cpu: 150 } : { webgpu: 3000, cpu: 20_000 });

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('network cost classes', () => {
  it('change with the lesson, the architecture and the batch; not with the learning rate or the seed', () => {
    expect(costClass(FASTER_LEARNING)).toBe(costClass(PLAYGROUND));
    expect(costClass(spec({ seed: '0.123' }))).toBe(costClass(PLAYGROUND));
    expect(costClass(WIDER)).not.toBe(costClass(PLAYGROUND));
    expect(costClass(DIGITS_CNN)).not.toBe(costClass(PLAYGROUND));
    expect(costClass(spec({ batchSize: 30 }))).not.toBe(costClass(PLAYGROUND));
  });

  it("count parameters as the built network's summary does", async () => {
    // 2 features → 4 → 2 → 1 (the default playground network).
    expect(parameterCount(PLAYGROUND)).toBe(3 * 4 + 5 * 2 + 3 * 1);
    useBackend(await createBackend('cpu'));
    for (const s of [PLAYGROUND, WIDER, DIGITS_CNN, spec({ dataset: 'digits8', imageModel: 'mlp' }, 1000)]) {
      const network = await SequentialNetwork.create(s);
      expect(parameterCount(s)).toBe(network.summary().totalParams);
      network.dispose();
    }
  });
});

describe('the measured engine', () => {
  it('times both paths on the first network once WebGPU is ready, and trains on the faster', async () => {
    const fake = fakeEngine(software);
    await fake.start();
    fake.engine.networkChanged!(PLAYGROUND, train);
    // WebGPU is still starting: nothing is timed yet.
    await settle();
    expect(fake.timed.cpu).toEqual([]);
    fake.gpuReady();
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.timed).toEqual({ webgpu: [PLAYGROUND], cpu: [PLAYGROUND] });
    expect(fake.last()).toMatchObject({ path: 'cpu', measured: { rates: { webgpu: 3000, cpu: 20_000 }, choice: 'cpu', network: { parameters: 25, batchRows: 10 } } });
  });

  it('times a network of another class again and moves; the learning rate times nothing; going back reuses the rates', async () => {
    const fake = fakeEngine(software);
    await fake.start();
    fake.gpuReady();
    fake.engine.networkChanged!(PLAYGROUND, train);
    await vi.waitFor(() => expect(fake.last().measured.rates.cpu).toBe(20_000));

    // The learning rate changes nothing per step.
    fake.engine.networkChanged!(FASTER_LEARNING, train);
    await settle();
    expect(fake.timed.cpu).toHaveLength(1);

    // The digits CNN: the panel says it is being timed while training stays on the CPU, then WebGPU wins.
    fake.engine.networkChanged!(DIGITS_CNN, train);
    expect(fake.last()).toMatchObject({ path: 'cpu', measured: { measuring: true, rates: { webgpu: null, cpu: null }, network: { parameters: parameterCount(DIGITS_CNN) } } });
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.timed).toEqual({ webgpu: [PLAYGROUND, DIGITS_CNN], cpu: [PLAYGROUND, DIGITS_CNN] });
    expect(fake.last()).toMatchObject({ path: 'webgpu', measured: { rates: { webgpu: 900, cpu: 150 }, choice: 'webgpu' } });
    expect(fake.events.filter((e) => e.type === 'switch').map((e) => e.type === 'switch' && e.info.name)).toEqual(['webgpu']);

    // Back to the playground and to the CNN again: moves at once, each time, on the rates kept.
    fake.engine.networkChanged!(PLAYGROUND, train);
    expect(fake.last()).toMatchObject({ path: 'cpu', measured: { measuring: false, rates: { webgpu: 3000, cpu: 20_000 } } });
    fake.engine.networkChanged!(DIGITS_CNN, train);
    expect(fake.last()).toMatchObject({ path: 'webgpu', measured: { rates: { webgpu: 900, cpu: 150 } } });
    await settle();
    expect(fake.timed.cpu).toHaveLength(2);
    expect(fake.timed.webgpu).toHaveLength(2);
  });

  it('a network changed during a measurement is timed right after it', async () => {
    const fake = fakeEngine(software);
    await fake.start();
    fake.gpuReady();
    fake.engine.networkChanged!(PLAYGROUND, train);
    fake.engine.networkChanged!(WIDER, train);
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.timed.cpu).toEqual([PLAYGROUND, WIDER]);
    expect(fake.last().measured.network).toEqual({ parameters: parameterCount(WIDER), batchRows: 10 });
  });

  it("the user's choice wins: training stays on the CPU by choice, though the CNN is timed faster on WebGPU", async () => {
    const fake = fakeEngine(software, 'cpu');
    await fake.start();
    fake.gpuReady();
    fake.engine.networkChanged!(DIGITS_CNN, train);
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.last()).toMatchObject({ path: 'cpu', measured: { rates: { webgpu: 900, cpu: 150 }, preference: 'cpu', choice: 'cpu' } });
    // Back to auto: the rates move it at once, with nothing timed again.
    fake.engine.setPreference('auto');
    expect(fake.last()).toMatchObject({ path: 'webgpu', measured: { choice: 'webgpu' } });
    expect(fake.timed.cpu).toHaveLength(1);
    // And WebGPU by choice on the playground, where the CPU is faster.
    fake.engine.setPreference('webgpu');
    fake.engine.networkChanged!(PLAYGROUND, train);
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.last()).toMatchObject({ path: 'webgpu', measured: { rates: { webgpu: 3000, cpu: 20_000 }, choice: 'webgpu' } });
  });

  it('holds the trainer\'s frames while it times the paths, and not after', async () => {
    let finish: (rate: number) => void = () => {};
    const fake = fakeEngine(software, 'auto', () => new Promise((resolve) => (finish = resolve)));
    await fake.start();
    fake.gpuReady();
    expect(fake.engine.trainingHeld!()).toBe(false);
    fake.engine.networkChanged!(PLAYGROUND, train);
    await settle();
    expect(fake.engine.trainingHeld!()).toBe(true);
    finish(3000);
    await vi.waitFor(() => expect(fake.last().measured.measuring).toBe(false));
    expect(fake.engine.trainingHeld!()).toBe(false);
  });

  it('a device lost during the WebGPU burst ends the measurement (training is not held); the recreated device times it again', async () => {
    let burst = 0;
    // The first burst never finishes (its device is gone); the second does.
    const fake = fakeEngine(software, 'auto', (rate) => (++burst === 1 ? new Promise(() => {}) : Promise.resolve(rate)));
    await fake.start();
    fake.gpuReady();
    fake.engine.networkChanged!(DIGITS_CNN, train);
    await settle();
    expect(fake.engine.trainingHeld!()).toBe(true);
    fake.gpuLost();
    await vi.waitFor(() => expect(fake.engine.trainingHeld!()).toBe(false));
    expect(fake.timed.cpu).toEqual([]);
    expect(fake.last()).toMatchObject({ path: 'cpu', measured: { rates: { webgpu: null, cpu: null } } });
    fake.gpuReady();
    await vi.waitFor(() => expect(fake.last()).toMatchObject({ path: 'webgpu', measured: { measuring: false, rates: { webgpu: 900, cpu: 150 } } }));
    expect(fake.timed.webgpu).toHaveLength(2);
  });
});
