import { describe, expect, it } from 'vitest';
import { MAX_HASH_LENGTH, checkSetting, parseHash, serializeHash } from '../../../src/app/url-codec';
import { URL_TABLE, defaultSettings, type Row, type Settings } from '../../../src/app/url-table';
import { FEATURE_IDS } from '../../../src/data/features';
import { createRng, type Rng } from '../../../src/engine/random';

const TF_LINK =
  '#activation=relu&batchSize=20&dataset=spiral&regDataset=reg-gauss&learningRate=0.3&regularizationRate=0.003&noise=15' +
  '&networkShape=6,3,2&seed=0.35497&showTestData=true&discretize=true&percTrainData=70&x=true&y=false&xTimesY=true' +
  '&xSquared=false&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=false&collectStats=false&problem=classification' +
  '&initZero=false&hideText=true&regularization=L2';

function randomValue(row: Row, rng: Rng): unknown {
  switch (row.type) {
    case 'enum':
    case 'choice':
      return row.values[rng.int(row.values.length)];
    case 'boolean':
      return rng.next() < 0.5;
    case 'number':
      return row.integer ? row.min + rng.int(Math.min(row.max - row.min + 1, 100)) : Math.min(row.max, Math.round(rng.uniform(row.min, row.max) * 10) / 10);
    case 'string': {
      const token = rng.next().toFixed(5);
      return row.pattern.test(token) && (row.validate?.(token) ?? null) === null ? token : row.default;
    }
    case 'array':
      return Array.from({ length: rng.int(row.maxLength + 1) }, () =>
        row.integer ? row.min + rng.int(row.max - row.min + 1) : Math.min(row.max, Math.round(rng.uniform(row.min, row.max) * 10) / 10),
      );
    case 'list':
      return Array.from({ length: rng.int(row.maxLength + 1) }, () => row.values[rng.int(row.values.length)]);
  }
}

function randomSettings(rng: Rng): Settings {
  const out: Record<string, unknown> = {};
  for (const row of URL_TABLE) out[row.key] = randomValue(row, rng);
  const settings = out as Settings;
  // Valid settings have an input (the codec's one rule across keys).
  if (!FEATURE_IDS.some((id) => settings[id])) settings.x = true;
  return settings;
}

describe('url codec: round trips', () => {
  it('parse ∘ serialize is the identity on settings, and serialize ∘ parse on canonical hashes', () => {
    const rng = createRng(7);
    for (let i = 0; i < 200; i++) {
      const settings = randomSettings(rng);
      const hash = serializeHash(settings);
      const parsed = parseHash(hash);
      expect(parsed.ignored).toEqual([]);
      expect(parsed.settings).toEqual(settings);
      expect(serializeHash(parsed.settings)).toBe(hash);
    }
  });

  it('writes every TensorFlow Playground key of the table in table order, and no lesson key at its default', () => {
    const keys = serializeHash(defaultSettings()).slice(1).split('&').map((p) => p.split('=')[0]);
    expect(keys).toEqual(URL_TABLE.filter((r) => r.tfp).map((r) => r.key));
    expect(URL_TABLE.filter((r) => !r.tfp).length).toBeGreaterThan(20);
  });

  it('restores a TensorFlow Playground link, silently accepting its keys we do not use', () => {
    const { settings, ignored } = parseHash(TF_LINK);
    expect(ignored).toEqual([]);
    expect(settings).toMatchObject({
      activation: 'relu', batchSize: 20, dataset: 'spiral', regDataset: 'reg-gauss', learningRate: 0.3,
      regularization: 'L2', regularizationRate: 0.003, noise: 15, networkShape: [6, 3, 2], seed: '0.35497',
      showTestData: true, discretize: true, percTrainData: 70, x: true, y: false, xTimesY: true, xSquared: false,
      ySquared: true, sinX: true, sinY: false, problem: 'classification', initZero: false, hideText: true,
    });
  });

  it('reads TensorFlow Playground hide flags and an empty network shape', () => {
    const { settings, ignored } = parseHash('#networkShape=&dataset_hide=true&x_hide=true&numHiddenLayers_hide=true&playButton_hide=false');
    expect(ignored).toEqual([]);
    expect(settings.networkShape).toEqual([]);
    expect(settings.dataset_hide).toBe(true);
    expect(settings.x_hide).toBe(true);
    expect(settings.numHiddenLayers_hide).toBe(true);
    expect(settings.playButton_hide).toBe(false);
  });

  it('uses the given seed when the hash has none, and the defaults for missing keys', () => {
    const { settings } = parseHash('#noise=10', { seed: '0.11111' });
    expect(settings).toEqual({ ...defaultSettings(), noise: 10, seed: '0.11111' });
    expect(parseHash('').settings).toEqual(defaultSettings());
  });
});

describe('url codec: hostile input', () => {
  // [hash, key reported, setting that must stay at its default]
  const cases: [string, string, keyof Settings | null][] = [
    ['__proto__=1', '__proto__', null],
    ['constructor=x', 'constructor', null],
    ['toString=1', 'toString', null],
    ['hasOwnProperty=true', 'hasOwnProperty', null],
    ['noise=NaN', 'noise', 'noise'],
    ['noise=-5', 'noise', 'noise'],
    ['noise=51', 'noise', 'noise'],
    ['noise=1e999', 'noise', 'noise'],
    ['noise=', 'noise', 'noise'],
    ['batchSize=0', 'batchSize', 'batchSize'],
    ['batchSize=2.5', 'batchSize', 'batchSize'],
    ['batchSize=99999999999999999999', 'batchSize', 'batchSize'],
    ['batchSize=0x10', 'batchSize', 'batchSize'],
    ['learningRate=0.05', 'learningRate', 'learningRate'],
    ['learningRate=Infinity', 'learningRate', 'learningRate'],
    ['regularizationRate=-1', 'regularizationRate', 'regularizationRate'],
    ['percTrainData=5', 'percTrainData', 'percTrainData'],
    ['networkShape=4,2,1000', 'networkShape', 'networkShape'],
    ['networkShape=1,1,1,1,1,1,1,1,1,1,1', 'networkShape', 'networkShape'],
    ['networkShape=a,b', 'networkShape', 'networkShape'],
    ['networkShape=-1', 'networkShape', 'networkShape'],
    ['networkShape=0', 'networkShape', 'networkShape'],
    ['networkShape=4,,2', 'networkShape', 'networkShape'],
    ['activation=RELU', 'activation', 'activation'],
    ['activation=toString', 'activation', 'activation'],
    ['dataset=__proto__', 'dataset', 'dataset'],
    ['problem=constructor', 'problem', 'problem'],
    ['seed=<script>alert(1)</script>', 'seed', 'seed'],
    ['seed=%3Cimg%20src%3Dx%3E', 'seed', 'seed'],
    ['x=1', 'x', 'x'],
    ['showTestData=yes', 'showTestData', 'showTestData'],
    ['dataset_hide=maybe', 'dataset_hide', 'dataset_hide'],
    ['noise=%E0%A4%A', 'noise', 'noise'],
    ['%=1', '%', null],
    ['bogus_hide=true', 'bogus_hide', null],
  ];

  it.each(cases)('%s is ignored with a reason and the default kept', (hash, key, setting) => {
    const { settings, ignored } = parseHash(`#${hash}`);
    expect(ignored.map((e) => e.key)).toEqual([key]);
    expect(ignored[0].reason.length).toBeGreaterThan(0);
    const defaults = defaultSettings();
    expect(settings).toEqual(defaults);
    if (setting) expect(settings[setting]).toEqual(defaults[setting]);
  });

  it('keeps valid keys beside invalid ones, and the first of duplicates', () => {
    const { settings, ignored } = parseHash('#noise=20&noise=30&activation=bogus&batchSize=5');
    expect(settings.noise).toBe(20);
    expect(settings.batchSize).toBe(5);
    expect(settings.activation).toBe('tanh');
    expect(ignored.map((e) => e.key)).toEqual(['noise', 'activation']);
  });

  it('turns the default features back on when a link disables every input', () => {
    const { settings, ignored } = parseHash('#x=false&y=false');
    expect([settings.x, settings.y]).toEqual([true, true]);
    expect(ignored.map((e) => e.reason)).toEqual(['at least one input feature is needed']);
  });

  it('refuses a 100 kB hash whole, quickly', () => {
    const huge = `#noise=10&${'a'.repeat(100_000)}`;
    const { settings, ignored } = parseHash(huge);
    expect(settings).toEqual(defaultSettings());
    expect(ignored).toHaveLength(1);
    expect(ignored[0].reason).toContain(String(MAX_HASH_LENGTH));
  });

  it('shortens echoed values so the notice stays small', () => {
    const { ignored } = parseHash(`#seed=${'x'.repeat(200)}`);
    expect(ignored[0].value.length).toBeLessThanOrEqual(41);
  });

  it('never touches Object.prototype', () => {
    parseHash('#__proto__=polluted&constructor=polluted&prototype=polluted&__proto__[x]=1');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});

describe('checkSetting', () => {
  it('accepts allowed values and names the problem for others', () => {
    expect(checkSetting('learningRate', 0.03)).toBeNull();
    expect(checkSetting('networkShape', [8, 8, 8])).toBeNull();
    expect(checkSetting('learningRate', 0.02)).toMatch(/one of/);
    expect(checkSetting('networkShape', [33])).toMatch(/integers in \[1, 32\]/);
    expect(checkSetting('noise', Number.NaN)).toMatch(/\[0, 50\]/);
  });
});
