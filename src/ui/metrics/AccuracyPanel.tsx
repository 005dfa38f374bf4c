// Accuracy over epochs for training, test and validation (dashed), with the early-stopping epoch marked:
// the loss chart's companion, where overfitting shows as the curves parting.
import { isClassification } from '../../app/lesson';
import { usePlayground } from '../../app/store';
import { LossChart } from '../charts/LossChart';
import { useTranslate } from '../app/use-translate';

export function AccuracyPanel() {
  const t = useTranslate();
  const history = usePlayground((s) => s.accuracyHistory);
  const lesson = usePlayground((s) => s.lesson);
  const hasValidation = usePlayground((s) => s.data.validation.length > 0);
  const stoppedEpoch = usePlayground((s) => s.stoppedEpoch);
  if (!isClassification(lesson)) return null;
  return (
    <section className="panel accuracy-panel" data-testid="accuracy-panel" aria-labelledby="accuracy-title">
      <h2 className="column-title" id="accuracy-title">
        {t('curves.title')}
      </h2>
      <LossChart
        epochs={history.epochs}
        train={history.train}
        test={history.test}
        validation={hasValidation ? history.validation : undefined}
        stoppedEpoch={stoppedEpoch}
        height={120}
        testIdPrefix="accuracy-"
        labels={{ train: t('output.trainingAccuracy'), test: t('output.testAccuracy'), epoch: t('controls.epoch'), stopped: t('curves.stopped', { epoch: stoppedEpoch ?? 0 }) }}
      />
      <p className="legend-hint">{t('curves.hint')}</p>
    </section>
  );
}
