import { describe, expect, it } from 'vitest';
import { en } from '../../../src/app/i18n/en';
import { es } from '../../../src/app/i18n/es';
import { pickLocale, translate } from '../../../src/app/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('English and Spanish have the same keys, none empty, with the same placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const spanish = es[key as keyof typeof en];
      expect(text.trim(), key).not.toBe('');
      expect(spanish.trim(), key).not.toBe('');
      expect(placeholders(spanish), key).toEqual(placeholders(text));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('es', 'network.hiddenLayers', { count: 3 })).toBe('3 capas ocultas');
    expect(translate('en', 'backend.reason', {})).toBe('Why: {reason}');
    expect(translate('en', 'backend.reason', { toString: 'x' })).toBe('Why: {reason}');
  });

  it('picks the first supported browser language', () => {
    expect(pickLocale(['es-ES', 'en'])).toBe('es');
    expect(pickLocale(['fr', 'en-GB'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});

describe('messages the app builds keys for', () => {
  it("every CSV reader error, every pairing warning and every lesson dataset has words in both languages", async () => {
    const { DATASETS } = await import('../../../src/app/url-table');
    const csvErrors: import('../../../src/data/csv').CsvErrorKey[] = [
      'empty', 'tooLarge', 'tooManyRows', 'noRows', 'ragged', 'quotes', 'emptyCell', 'textInNumeric', 'noTarget', 'unknownColumn',
      'tooManyCategories', 'oneClass', 'noFeatures',
    ];
    const keys = [
      ...csvErrors.map((k) => `csv.${k}`),
      ...['softmaxNeedsCce', 'cceNeedsSoftmax', 'bceNeedsSigmoid', 'sigmoidLoss', 'tanhLoss', 'regressionLoss'].map((k) => `pairing.${k}`),
      ...DATASETS.map((d) => `dataset.${d}`),
    ];
    for (const key of keys) {
      expect(Object.hasOwn(en, key), key).toBe(true);
      expect(Object.hasOwn(es, key), key).toBe(true);
    }
  });
});
