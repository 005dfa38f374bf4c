import { describe, expect, it } from 'vitest';
import { createPlaygroundStore, makeData, settingEffect, type TrainerPort } from '../../../src/app/store';
import { defaultSettings, type Settings } from '../../../src/app/url-table';
import { createRng } from '../../../src/engine/random';

/** Records which port calls each action makes. */
function recordingPort() {
  const calls: string[] = [];
  const port: TrainerPort = {
    reset: () => calls.push('reset'),
    dataChanged: () => calls.push('dataChanged'),
    hyperparametersChanged: () => calls.push('hyper'),
    viewChanged: () => calls.push('view'),
    playingChanged: (p) => calls.push(`playing:${p}`),
    step: () => calls.push('step'),
    setWeight: (c, f, t, v) => calls.push(`weight:${c},${f},${t}=${v}`),
    setBias: (c, i, v) => calls.push(`bias:${c},${i}=${v}`),
    engineInfoRequested: () => calls.push('engineInfo'),
    drawingChanged: () => calls.push('drawing'),
    inspectedChanged: () => calls.push('inspected'),
    highlightChanged: () => calls.push('highlight'),
    mistakesChanged: () => calls.push('mistakes'),
    loadModel: (saved) => calls.push(`load:${saved.epoch}`),
    saveModel: async () => {
      throw new Error('no model in this test');
    },
    exportScript: async (language) => `# ${language}`,
  };
  return { calls, port };
}

function setup(overrides: Partial<Settings> = {}) {
  const random = createRng(1).next;
  const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.5', ...overrides }, random });
  const { calls, port } = recordingPort();
  store.getState().connectTrainer(port);
  return { store, calls };
}

const someResults = (epoch: number) => ({
  epoch,
  trainLoss: 1 / (epoch + 1),
  testLoss: 2 / (epoch + 1),
  network: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5], [0.6]]], biases: [[], [0, 0], [0]] },
});

describe('playground store', () => {
  it('starts with the settings and the data they describe', () => {
    const { store } = setup();
    const s = store.getState();
    expect(s.data.train).toHaveLength(250);
    expect(s.data).toEqual(makeData(s.settings));
    expect(s.epoch).toBe(0);
    expect(s.playing).toBe(false);
  });

  it('architecture, features, activation and regularization changes reset the network', () => {
    for (const [key, value] of [['activation', 'relu'], ['networkShape', [3]], ['xSquared', true], ['regularization', 'L1'], ['initZero', true]] as const) {
      const { store, calls } = setup();
      store.getState().publishResults(someResults(5));
      store.getState().setSetting(key, value as never);
      expect(calls).toEqual(['reset']);
      expect(store.getState().epoch).toBe(0);
      expect(store.getState().lossHistory.epochs).toEqual([]);
    }
  });

  it('learning rate, batch size and regularization rate apply live, without a reset', () => {
    const { store, calls } = setup();
    store.getState().publishResults(someResults(5));
    store.getState().setSetting('learningRate', 0.1);
    store.getState().setSetting('batchSize', 25);
    store.getState().setSetting('regularizationRate', 0.01);
    expect(calls).toEqual(['hyper', 'hyper', 'hyper']);
    expect(store.getState().epoch).toBe(5);
  });

  it('dataset, noise, ratio and problem changes make new data and reset', () => {
    const { store, calls } = setup();
    const before = store.getState().data;
    store.getState().setSetting('dataset', 'xor');
    expect(store.getState().data).not.toEqual(before);
    store.getState().setSetting('percTrainData', 80);
    expect(store.getState().data.train).toHaveLength(400);
    store.getState().setSetting('problem', 'regression');
    expect(store.getState().data.train.length + store.getState().data.test.length).toBe(1200);
    expect(calls).toEqual(['reset', 'reset', 'reset']);
  });

  it('view settings touch neither data nor network; setting a value it already has does nothing', () => {
    const { store, calls } = setup();
    const data = store.getState().data;
    store.getState().setSetting('discretize', true);
    store.getState().setSetting('showTestData', true);
    store.getState().setSetting('dataset_hide', true);
    store.getState().setSetting('activation', 'tanh');
    expect(store.getState().data).toBe(data);
    expect(calls).toEqual([]);
    expect(settingEffect('hideText')).toBe('view');
  });

  it('rejects values outside the URL table with the setting named', () => {
    const { store } = setup();
    expect(() => store.getState().setSetting('learningRate', 0.02)).toThrow(/setSetting: learningRate = 0.02/);
    expect(() => store.getState().setSetting('networkShape', [40])).toThrow(/networkShape/);
    expect(() => store.getState().setSetting('noise', Number.NaN)).toThrow(/noise/);
  });

  it('regenerate draws a new seed and new data, keeping the network', () => {
    const { store, calls } = setup();
    const { data, settings } = store.getState();
    store.getState().regenerate();
    expect(store.getState().settings.seed).not.toBe(settings.seed);
    expect(store.getState().data).not.toEqual(data);
    expect(calls).toEqual(['dataChanged']);
  });

  it('reset clears the run and asks the trainer for the same initial weights', () => {
    const { store, calls } = setup();
    store.getState().publishResults(someResults(3));
    store.getState().reset();
    expect(store.getState()).toMatchObject({ epoch: 0, trainLoss: null, testLoss: null });
    expect(store.getState().settings.seed).toBe('0.5');
    expect(calls).toEqual(['reset']);
  });

  it('adds and removes layers and neurons within 0–10 layers and 1–32 neurons', () => {
    const { store } = setup({ networkShape: [4, 2] });
    const s = () => store.getState();
    s().addLayer();
    expect(s().settings.networkShape).toEqual([4, 2, 2]);
    s().addNeuron(0);
    s().removeNeuron(1);
    s().removeNeuron(1);
    expect(s().settings.networkShape).toEqual([5, 1, 2]);
    for (let i = 0; i < 20; i++) s().addLayer();
    expect(s().settings.networkShape).toHaveLength(10);
    for (let i = 0; i < 40; i++) s().addNeuron(0);
    expect(s().settings.networkShape[0]).toBe(32);
    for (let i = 0; i < 20; i++) s().removeLayer();
    expect(s().settings.networkShape).toEqual([]);
    s().addLayer();
    expect(s().settings.networkShape).toEqual([2]);
    s().addNeuron(7);
    expect(s().settings.networkShape).toEqual([2]);
  });

  it('toggles features but keeps the last input on', () => {
    const { store, calls } = setup();
    store.getState().toggleFeature('sinX');
    store.getState().toggleFeature('x');
    store.getState().toggleFeature('sinX');
    store.getState().toggleFeature('y');
    expect(store.getState().settings).toMatchObject({ x: false, y: true, sinX: false });
    expect(calls).toEqual(['reset', 'reset', 'reset']);
  });

  it('play, pause and step reach the trainer; step pauses first', () => {
    const { store, calls } = setup();
    store.getState().togglePlay();
    store.getState().play();
    store.getState().step();
    expect(store.getState().playing).toBe(false);
    expect(calls).toEqual(['playing:true', 'playing:false', 'step']);
  });

  it('edits a weight or bias in place and forwards it; unknown links throw', () => {
    const { store, calls } = setup();
    store.getState().publishResults(someResults(1));
    store.getState().setWeight(0, 1, 0, -2);
    store.getState().setBias(1, 1, 0.25);
    expect(store.getState().network?.weights[0]).toEqual([[0.1, 0.2], [-2, 0.4]]);
    expect(store.getState().network?.biases[1]).toEqual([0, 0.25]);
    expect(calls).toEqual(['weight:0,1,0=-2', 'bias:1,1=0.25']);
    expect(() => store.getState().setWeight(0, 5, 0, 1)).toThrow(/no link from node 5 of column 0/);
    expect(() => store.getState().setBias(0, 0, 1)).toThrow(/no bias/);
    expect(() => store.getState().setWeight(0, 0, 0, Number.NaN)).toThrow(/finite/);
  });

  it('publishResults appends to the loss history once per epoch', () => {
    const { store } = setup();
    store.getState().publishResults(someResults(0));
    store.getState().publishResults(someResults(1));
    store.getState().publishResults(someResults(1));
    expect(store.getState().lossHistory.epochs).toEqual([0, 1]);
    expect(store.getState().trainLoss).toBe(0.5);
  });

  it('lists and dismisses notices', () => {
    const { store } = setup();
    store.getState().addNotices([{ key: 'a', value: '1', reason: 'x' }, { key: 'b', value: '2', reason: 'y' }]);
    const [first] = store.getState().notices;
    store.getState().dismissNotice(first.id);
    expect(store.getState().notices.map((n) => n.key)).toEqual(['b']);
    store.getState().dismissAllNotices();
    expect(store.getState().notices).toEqual([]);
  });

  it('applySettings changes everything at once and validates every key', () => {
    const { store, calls } = setup();
    store.getState().applySettings({ ...store.getState().settings, noise: 20, learningRate: 0.1 });
    expect(store.getState().settings.noise).toBe(20);
    expect(calls).toEqual(['reset']);
    expect(() => store.getState().applySettings({ ...store.getState().settings, batchSize: -1 })).toThrow(/batchSize/);
  });
});

describe('lesson files through the store', () => {
  it('a lesson on dataset=upload with no CSV open has no table to save, and says so', async () => {
    const { store } = setup({ dataset: 'upload' });
    await expect(store.getState().saveLessonFile()).rejects.toThrow(/no CSV is open/);
  });

  it('a bad file neither resets the trainer nor changes the settings', () => {
    const { store, calls } = setup();
    const settings = store.getState().settings;
    expect(store.getState().openLessonFile('{"format": "webgpu-nn-playground/lesson", "version": 1, "lesson": {}}')).toBe(false);
    expect(store.getState().fileError).toMatch(/lesson: epoch is undefined/);
    expect(store.getState().settings).toBe(settings);
    expect(calls).toEqual([]);
    store.getState().dismissFileError();
    expect(store.getState().fileError).toBeNull();
  });
});
