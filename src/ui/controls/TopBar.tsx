// The bar above the three columns: run buttons and epoch, then the hyperparameters TensorFlow Playground puts there.
import { usePlayground } from '../../app/store';
import { ACTIVATIONS, LEARNING_RATES, PROBLEMS, REGULARIZATIONS, REGULARIZATION_RATES } from '../../app/url-table';
import { useHidden } from '../app/use-hidden';
import { useTranslate } from '../app/use-translate';
import { RunButtons } from './RunButtons';
import { SelectControl } from './SelectControl';

export function TopBar() {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const hideLearningRate = useHidden('learningRate');
  const hideActivation = useHidden('activation');
  const hideRegularization = useHidden('regularization');
  const hideRegularizationRate = useHidden('regularizationRate');
  const hideProblem = useHidden('problem');

  return (
    <section className="top-bar" aria-label={t('controls.title')}>
      <RunButtons />
      {!hideLearningRate && (
        <SelectControl
          label={t('controls.learningRate')}
          testId="learning-rate"
          value={settings.learningRate}
          options={LEARNING_RATES}
          optionLabel={String}
          onChange={(v) => setSetting('learningRate', v)}
        />
      )}
      {!hideActivation && (
        <SelectControl
          label={t('controls.activation')}
          testId="activation"
          value={settings.activation}
          options={ACTIVATIONS}
          optionLabel={(v) => t(`activation.${v}`)}
          onChange={(v) => setSetting('activation', v)}
        />
      )}
      {!hideRegularization && (
        <SelectControl
          label={t('controls.regularization')}
          testId="regularization"
          value={settings.regularization}
          options={REGULARIZATIONS}
          optionLabel={(v) => t(`regularization.${v}`)}
          onChange={(v) => setSetting('regularization', v)}
        />
      )}
      {!hideRegularizationRate && (
        <SelectControl
          label={t('controls.regularizationRate')}
          testId="regularization-rate"
          value={settings.regularizationRate}
          options={REGULARIZATION_RATES}
          optionLabel={String}
          onChange={(v) => setSetting('regularizationRate', v)}
        />
      )}
      {!hideProblem && (
        <SelectControl
          label={t('controls.problem')}
          testId="problem"
          value={settings.problem}
          options={PROBLEMS}
          optionLabel={(v) => t(`problem.${v}`)}
          onChange={(v) => setSetting('problem', v)}
        />
      )}
    </section>
  );
}
