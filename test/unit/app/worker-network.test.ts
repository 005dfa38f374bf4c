// The CPU worker's boundary, over a real MessageChannel (the messages a Worker would carry, arrays
// transferred): the network behind it trains and reads exactly as SequentialNetwork on the page does, a
// frame's reads travel as one message, and early stopping's snapshots round-trip.
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap, type Remote } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { describeLesson } from '../../../src/app/lesson';
import { lessonData } from '../../../src/app/lesson-data';
import { gridPlane } from '../../../src/app/grid';
import { NetworkHost } from '../../../src/app/network-host';
import { SequentialNetwork } from '../../../src/app/sequential-engine';
import { dataSet, networkSpec, type EngineNetwork } from '../../../src/app/trainer';
import { defaultSettings } from '../../../src/app/url-table';
import { WorkerNetwork } from '../../../src/app/worker-network';

const lesson = describeLesson({ ...defaultSettings(), seed: '0.25', networkShape: [5, 3], optimizer: 'adam', learningRate: 0.03 });
const data = lessonData(lesson, new Map());
const spec = networkSpec(lesson, data.train.length);
const plane = gridPlane(lesson, data);
const ports: { close(): void }[] = [];

async function connect(): Promise<{ remote: Remote<NetworkHost>; calls: string[] }> {
  const host = new NetworkHost();
  const calls: string[] = [];
  const counted = new Proxy(host, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(key)), value.apply(target, args)) : value;
    },
  });
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  expose(counted, port1 as unknown as Parameters<typeof expose>[1]);
  const remote = wrap<NetworkHost>(port2 as unknown as Parameters<typeof wrap>[0]);
  await remote.start();
  return { remote, calls };
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

function feed(network: EngineNetwork): void {
  network.setData(dataSet(lesson, data.train), dataSet(lesson, data.validation), dataSet(lesson, data.test));
}

/** What a frame publishes, read the way the trainer reads it. */
async function frame(network: EngineNetwork) {
  const scores = await network.evaluate();
  const [params, nodes, output] = await Promise.all([network.getParams(), network.evaluateGrid(8, plane), network.evaluateOutput(20, plane)]);
  return { train: scores.train!.loss, test: scores.test!.loss, counts: Array.from(scores.train!.counts), params, nodes: nodes.map((c) => c.map((g) => Array.from(g))), output: Array.from(output) };
}

describe('WorkerNetwork', () => {
  it('trains and reads as SequentialNetwork does on the same backend', async () => {
    const { remote } = await connect();
    const remoteNetwork = await WorkerNetwork.create(remote, spec);
    const local = await SequentialNetwork.create(spec);
    for (const network of [remoteNetwork, local]) feed(network);
    const untrained = (await remoteNetwork.evaluate()).train!.loss;
    for (const network of [remoteNetwork, local]) {
      await network.trainBatches(100);
      await network.workDone();
    }
    const [a, b] = [await frame(remoteNetwork), await frame(local)];
    expect(a.train).toBeLessThan(untrained * 0.9);
    expect(a).toEqual(b);
    // An evaluation carries the loss and the device's counts (circle: 2 × 2 confusion cells, 2 × 200 threshold counts), not the outputs:
    // A frame's evaluation carries the confusion counts only; the metrics panel's (curves) the threshold counts too.
    const evaluation = await remoteNetwork.evaluate(true);
    expect(Object.keys(evaluation.train!).sort()).toEqual(['counts', 'loss']);
    expect(evaluation.train!.counts).toHaveLength(4 + 400);
    expect(evaluation.train!.counts.slice(0, 4).reduce((n, c) => n + c, 0)).toBe(data.train.length);
    expect(Array.from((await remoteNetwork.evaluate()).train!.counts)).toEqual(Array.from(evaluation.train!.counts.slice(0, 4)));
    // The outputs come only when asked for (a highlighted confusion cell).
    const outputs = await local.outputs('train');
    expect(Array.from(await remoteNetwork.outputs('train'))).toEqual(Array.from(outputs));
    // Or the first rows alone (the test images an image lesson shows).
    const units = outputs.length / data.train.length;
    expect(Array.from(await remoteNetwork.outputs('train', 3))).toEqual(Array.from(outputs.subarray(0, 3 * units)));
    expect(a.nodes.map((c) => c.length)).toEqual([5, 3, 1]);
    expect(remoteNetwork.engineInfo()).toMatchObject({ path: local.engineInfo().path, cpu: true });
    // The model file, summary and exported script are the network's own.
    expect(remoteNetwork.summary()).toEqual(local.summary());
    expect(await remoteNetwork.toJSON()).toEqual(await local.toJSON());
    const options = { epochs: 3, batchSize: 10 };
    expect(await remoteNetwork.exportScript('keras', options)).toBe(await local.exportScript('keras', options));
    remoteNetwork.dispose();
    local.dispose();
  });

  it("sends a frame's parameter and grid reads as one message, and training without waiting for it", async () => {
    const { remote, calls } = await connect();
    const network = await WorkerNetwork.create(remote, spec);
    feed(network);
    await network.trainBatches(5);
    await network.trainBatches(5);
    // Posted, not yet run: training never waits for the worker.
    expect(calls.filter((c) => c === 'trainBatches')).toEqual([]);
    await network.workDone();
    expect(calls.filter((c) => c === 'trainBatches')).toEqual(['trainBatches', 'trainBatches']);
    calls.length = 0;
    await frame(network);
    expect(calls).toEqual(['evaluate', 'read']);
    network.dispose();
  });

  it('edits, parameter moves and early stopping snapshots reach the network in the worker', async () => {
    const { remote } = await connect();
    const network = await WorkerNetwork.create(remote, spec);
    feed(network);
    await network.setWeight(1, 2, 1, 0.75);
    await network.setBias(2, 0, -0.5);
    const edited = await network.getParams();
    expect(edited.weights[1][2][1]).toBe(0.75);
    expect(edited.biases[2][0]).toBe(-0.5);

    const model = network.callbackModel();
    const kept = model.snapshotWeights();
    await network.trainBatches(20);
    expect(await network.getParams()).not.toEqual(edited);
    model.restoreWeights(kept);
    expect(await network.getParams()).toEqual(edited);
    kept.dispose();
    expect(() => model.restoreWeights({ dispose() {} })).toThrow(/expected a snapshot/);

    network.setParams({ ...edited, biases: edited.biases.map((b) => b.map(() => 0)) });
    expect((await network.getParams()).biases.flat().every((b) => b === 0)).toBe(true);
    network.dispose();
  });

  it('a failure in a step posted without waiting surfaces at the next call that waits', async () => {
    const { remote } = await connect();
    const network = await WorkerNetwork.create(remote, spec);
    feed(network);
    network.dispose();
    await network.trainBatches(3);
    await expect(network.workDone()).rejects.toThrow(/no network/);
  });

  it('measures a training rate on the worker', async () => {
    const { remote } = await connect();
    const rate = await remote.measure(spec, dataSet(lesson, data.train), 20);
    expect(rate).toBeGreaterThan(0);
  });
});
