// "Use in classroom": tick the controls students should not see; they disappear here at once and the
// link below (with `<control>_hide` flags) opens the page the same way.
import { usePlayground } from '../../app/store';
import { shareLink } from '../../app/url-sync';
import { HIDABLE_CONTROLS, type HidableControl } from '../../app/url-table';
import { FEATURE_IDS, featureById } from '../../data/features';
import type { MessageKey } from '../../app/i18n';
import { useTranslate } from '../app/use-translate';

const CONTROL_LABELS: Readonly<Record<Exclude<HidableControl, (typeof FEATURE_IDS)[number]>, MessageKey>> = {
  showTestData: 'controls.showTestData',
  discretize: 'controls.discretize',
  playButton: 'classroom.playButton',
  stepButton: 'classroom.stepButton',
  resetButton: 'classroom.resetButton',
  learningRate: 'controls.learningRate',
  activation: 'controls.activation',
  regularization: 'controls.regularization',
  regularizationRate: 'controls.regularizationRate',
  problem: 'controls.problem',
  dataset: 'classroom.dataset',
  percTrainData: 'controls.percTrainData',
  noise: 'controls.noise',
  batchSize: 'controls.batchSize',
  numHiddenLayers: 'classroom.numHiddenLayers',
};

function isFeature(control: HidableControl): control is (typeof FEATURE_IDS)[number] {
  return (FEATURE_IDS as readonly string[]).includes(control);
}

export function ClassroomPanel() {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const link = shareLink(settings, location.href);
  const label = (control: HidableControl) =>
    isFeature(control) ? t('classroom.feature', { feature: featureById(control).label }) : t(CONTROL_LABELS[control]);

  return (
    <section className="classroom" aria-labelledby="classroom-title" data-testid="classroom-panel">
      <h2 id="classroom-title">{t('classroom.title')}</h2>
      <p>{t('classroom.hint')}</p>
      <div className="hide-list">
        {HIDABLE_CONTROLS.map((control) => (
          <label key={control} className="checkbox">
            <input
              type="checkbox"
              data-testid={`hide-${control}`}
              checked={settings[`${control}_hide`]}
              onChange={(e) => setSetting(`${control}_hide`, e.target.checked)}
            />
            {label(control)}
          </label>
        ))}
      </div>
      <div className="link-row">
        <input readOnly value={link} aria-label={t('classroom.link')} data-testid="classroom-link" onFocus={(e) => e.target.select()} />
      </div>
    </section>
  );
}
