// Ready-made lessons (app/presets.ts): choosing one applies its settings; the select then returns to its prompt.
import { playgroundStore, usePlayground } from '../../app/store';
import { PRESETS, presetSettings } from '../../app/presets';
import { useTranslate } from '../app/use-translate';

export function LessonPicker() {
  const t = useTranslate();
  const applySettings = usePlayground((s) => s.applySettings);
  return (
    <select
      className="lesson-picker"
      value=""
      aria-label={t('preset.title')}
      data-testid="lessons"
      onChange={(e) => {
        const preset = PRESETS.find((p) => p.id === e.target.value);
        if (preset) applySettings(presetSettings(preset, playgroundStore.getState().settings));
      }}
    >
      <option value="" disabled>
        {t('preset.title')}…
      </option>
      {PRESETS.map((p) => (
        <option key={p.id} value={p.id}>
          {t(p.title)}
        </option>
      ))}
    </select>
  );
}
