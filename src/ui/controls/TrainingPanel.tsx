// The model and training choices the course teaches beyond TensorFlow Playground's bar: output activation
// and loss (with the course's pairing and a warning on another), optimizer and its parameters, full batch,
// validation split and early stopping. Every control is a URL row.
import { OPTIMIZER_DEFAULTS } from '../../index';
import { courseLoss, courseOutputActivation, pairingWarning, type OutputActivation } from '../../app/lesson';
import { usePlayground } from '../../app/store';
import { EPSILONS, LOSSES, MONITORS, OPTIMIZERS, OUTPUT_ACTIVATIONS, type OptimizerChoice } from '../../app/url-table';
import { useTranslate } from '../app/use-translate';
import { SelectControl } from './SelectControl';

const MOMENTA = [0.5, 0.8, 0.9, 0.95, 0.99];
const RHOS = [0.8, 0.9, 0.95, 0.99];
const BETA1S = [0.8, 0.85, 0.9, 0.95];
const BETA2S = [0.99, 0.995, 0.999, 0.9999];
const VALIDATION_SPLITS = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
const PATIENCES = [0, 2, 5, 10, 20, 50, 100];
const MIN_DELTAS = [0, 0.0001, 0.001, 0.01, 0.1];

/** The list with `value` in it (a link may carry a value the list does not offer), ascending. */
function withValue(list: readonly number[], value: number): number[] {
  return list.includes(value) ? [...list] : [...list, value].sort((a, b) => a - b);
}

/** Keras's default learning rate for an optimizer choice (momentum and Nesterov are SGD's). */
function kerasLearningRate(choice: OptimizerChoice): number {
  return OPTIMIZER_DEFAULTS[choice === 'momentum' || choice === 'nesterov' ? 'sgd' : choice].learningRate;
}

export function TrainingPanel() {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const lesson = usePlayground((s) => s.lesson);
  const setSetting = usePlayground((s) => s.setSetting);
  const applySettings = usePlayground((s) => s.applySettings);
  const output = lesson.model[lesson.model.length - 1].activation as OutputActivation;
  const warning = pairingWarning(output, lesson.training.loss, lesson.data.classes);
  const optimizer = settings.optimizer;

  return (
    <section className="training-panel" aria-label={t('training.title')} data-testid="training-panel">
      <SelectControl
        label={t('controls.outputActivation')}
        testId="output-activation"
        value={settings.outputActivation}
        options={OUTPUT_ACTIVATIONS}
        optionLabel={(v) => (v === 'auto' ? t('choice.auto', { choice: t(`activation.${courseOutputActivation(lesson.data)}`) }) : t(`activation.${v}`))}
        onChange={(v) => setSetting('outputActivation', v)}
      />
      <SelectControl
        label={t('controls.loss')}
        testId="loss"
        value={settings.loss}
        options={LOSSES}
        optionLabel={(v) => (v === 'auto' ? t('choice.auto', { choice: t(`loss.${courseLoss(output)}`) }) : t(`loss.${v}`))}
        onChange={(v) => setSetting('loss', v)}
      />
      <SelectControl
        label={t('controls.optimizer')}
        testId="optimizer"
        value={optimizer}
        options={OPTIMIZERS}
        optionLabel={(v) => t(`optimizer.${v}`)}
        onChange={(v) => applySettings({ ...settings, optimizer: v, learningRate: kerasLearningRate(v) })}
      />
      {(optimizer === 'momentum' || optimizer === 'nesterov') && (
        <SelectControl label={t('controls.momentum')} testId="momentum" value={settings.momentum} options={withValue(MOMENTA, settings.momentum)} optionLabel={String} onChange={(v) => setSetting('momentum', v)} />
      )}
      {optimizer === 'rmsprop' && (
        <SelectControl label={t('controls.rho')} testId="rho" value={settings.rho} options={withValue(RHOS, settings.rho)} optionLabel={String} onChange={(v) => setSetting('rho', v)} />
      )}
      {optimizer === 'adam' && (
        <>
          <SelectControl label={t('controls.beta1')} testId="beta1" value={settings.beta1} options={withValue(BETA1S, settings.beta1)} optionLabel={String} onChange={(v) => setSetting('beta1', v)} />
          <SelectControl label={t('controls.beta2')} testId="beta2" value={settings.beta2} options={withValue(BETA2S, settings.beta2)} optionLabel={String} onChange={(v) => setSetting('beta2', v)} />
        </>
      )}
      {(optimizer === 'rmsprop' || optimizer === 'adam' || optimizer === 'adagrad') && (
        <SelectControl label={t('controls.epsilon')} testId="epsilon" value={settings.epsilon} options={EPSILONS} optionLabel={String} onChange={(v) => setSetting('epsilon', v)} />
      )}
      <label className="checkbox">
        <input type="checkbox" data-testid="full-batch" checked={settings.fullBatch} onChange={(e) => setSetting('fullBatch', e.target.checked)} />
        {t('controls.fullBatch')}
      </label>
      <SelectControl
        label={t('controls.validationSplit')}
        testId="validation-split"
        value={settings.validationSplit}
        options={withValue(VALIDATION_SPLITS, settings.validationSplit)}
        optionLabel={(v) => `${Math.round(v * 100)}%`}
        onChange={(v) => setSetting('validationSplit', v)}
      />
      <label className="checkbox">
        <input type="checkbox" data-testid="early-stopping" checked={settings.earlyStopping} onChange={(e) => setSetting('earlyStopping', e.target.checked)} />
        {t('controls.earlyStopping')}
      </label>
      {settings.earlyStopping && (
        <>
          <SelectControl label={t('controls.monitor')} testId="monitor" value={settings.monitor} options={MONITORS} optionLabel={(v) => t(`monitor.${v}`)} onChange={(v) => setSetting('monitor', v)} />
          <SelectControl label={t('controls.patience')} testId="patience" value={settings.patience} options={withValue(PATIENCES, settings.patience)} optionLabel={String} onChange={(v) => setSetting('patience', v)} />
          <SelectControl label={t('controls.minDelta')} testId="min-delta" value={settings.minDelta} options={withValue(MIN_DELTAS, settings.minDelta)} optionLabel={String} onChange={(v) => setSetting('minDelta', v)} />
          <label className="checkbox">
            <input type="checkbox" data-testid="restore-best-weights" checked={settings.restoreBestWeights} onChange={(e) => setSetting('restoreBestWeights', e.target.checked)} />
            {t('controls.restoreBestWeights')}
          </label>
          {settings.validationSplit === 0 && settings.monitor.startsWith('val_') && <p className="pairing-hint">{t('controls.validationFromTest')}</p>}
        </>
      )}
      <div className="pairing">
        <p className="pairing-hint">{t('pairing.course')}</p>
        {warning && (
          <p className="pairing-warning" role="status" data-testid="pairing-warning">
            {t(warning)}
          </p>
        )}
        <p className="pairing-hint" data-testid="semantics">
          {t(`semantics.${lesson.training.semantics}`)}
        </p>
      </div>
    </section>
  );
}
