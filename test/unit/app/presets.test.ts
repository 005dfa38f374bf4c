import { describe, expect, it } from 'vitest';
import { PRESETS, presetSettings } from '../../../src/app/presets';
import { createPlaygroundStore } from '../../../src/app/store';
import { defaultSettings } from '../../../src/app/url-table';

describe('presets', () => {
  it('every preset is a valid setting list that keeps the seed, with a unique id', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    const store = createPlaygroundStore({ settings: { ...defaultSettings(), seed: '0.777' } });
    for (const preset of PRESETS) {
      store.getState().applySettings(presetSettings(preset, store.getState().settings));
      expect(store.getState().settings).toMatchObject({ ...preset.settings, seed: '0.777' });
    }
  });
});
