// An image lesson's page body: DATA (the set, the network, loading) | TRAINING (progress, losses and
// accuracies, confusion matrix) | PREDICTIONS (test images, mistakes, filters, a digit to draw).
import { IMAGE_DATASET_IDS } from '../../data/image-datasets';
import { usePlayground } from '../../app/store';
import { LossChart, formatLoss } from '../charts/LossChart';
import { NumberRow, formatAccuracy } from '../output/OutputColumn';
import { useTranslate } from '../app/use-translate';
import { ConfusionMatrix } from './ConfusionMatrix';
import { ConvFilters } from './ConvFilters';
import { ConvStepper } from './ConvStepper';
import { FeatureMapsView } from './FeatureMapsView';
import { DrawDigit } from './DrawDigit';
import { StackEditor } from './StackEditor';
import { TestImages } from './TestImages';
import './images.css';

export function ImagesView() {
  return (
    <main className="main images-main">
      <ImageData />
      <ImageTraining />
      <section className="column images-predictions" aria-label="predictions">
        <TestImages />
        <DrawDigit />
        <ConvFilters />
        <ConvStepper />
        <FeatureMapsView />
      </section>
    </main>
  );
}

function ImageData() {
  const t = useTranslate();
  const dataset = usePlayground((s) => s.settings.dataset);
  const setSetting = usePlayground((s) => s.setSetting);
  const load = usePlayground((s) => s.imageLoad);
  const data = usePlayground((s) => s.data);
  return (
    <section className="column" aria-labelledby="images-data-title">
      <h2 className="column-title" id="images-data-title">
        {t('data.title')}
      </h2>
      <div className="image-datasets" role="group" aria-label={t('images.dataset')}>
        {IMAGE_DATASET_IDS.map((id) => (
          <button key={id} type="button" className="image-dataset-button" aria-pressed={dataset === id} data-testid={`image-dataset-${id}`} onClick={() => setSetting('dataset', id)}>
            {t(`dataset.${id}`)}
          </button>
        ))}
      </div>
      {load && (
        <div className="image-loading" data-testid="image-loading">
          <progress max={load.total || undefined} value={load.total ? Math.min(load.loaded, load.total) : undefined} />
          <span>{t('images.loading', { kb: Math.round(load.loaded / 1024) })}</span>
        </div>
      )}
      {!data.loading && (
        <p className="column-hint" data-testid="image-counts">
          {t('images.counts', { train: data.train.length, validation: data.validation.length, test: data.test.length })}
        </p>
      )}
      <StackEditor />
    </section>
  );
}

function ImageTraining() {
  const t = useTranslate();
  const s = usePlayground((state) => state);
  const progress = s.imageProgress;
  const history = s.lossHistory;
  return (
    <section className="column" aria-labelledby="images-training-title">
      <h2 className="column-title" id="images-training-title">
        {t('images.training')}
      </h2>
      {progress && (
        <div className="image-progress" data-testid="image-progress">
          <progress max={progress.batches} value={progress.batch} />
          <span>
            {t('images.progress', { epoch: s.epoch + 1, batch: progress.batch, batches: progress.batches })}
            {progress.imagesPerSecond !== null && ` · ${t('images.rate', { rate: Math.round(progress.imagesPerSecond) })}`}
            {progress.secondsLeft !== null && ` · ${t('images.timeLeft', { seconds: Math.ceil(progress.secondsLeft) })}`}
          </span>
        </div>
      )}
      <div className="loss-numbers">
        <NumberRow kind="test" label={t('output.testLoss')} value={formatLoss(s.testLoss ?? undefined)} testId="test-loss" />
        <NumberRow kind="train" label={t('output.trainingLoss')} value={formatLoss(s.trainLoss ?? undefined)} testId="train-loss" />
        {s.data.validation.length > 0 && <NumberRow kind="validation" label={t('output.validationLoss')} value={formatLoss(s.validationLoss ?? undefined)} testId="validation-loss" />}
        <NumberRow kind="test" label={t('output.testAccuracy')} value={formatAccuracy(s.testAccuracy)} testId="test-accuracy" />
        <NumberRow kind="train" label={t('output.trainingAccuracy')} value={formatAccuracy(s.trainAccuracy)} testId="train-accuracy" />
      </div>
      <LossChart
        epochs={history.epochs}
        train={history.train}
        test={history.test}
        validation={s.data.validation.length > 0 ? history.validation : undefined}
        stoppedEpoch={s.stoppedEpoch}
        labels={{ train: t('output.trainingLoss'), test: t('output.testLoss'), epoch: t('controls.epoch'), stopped: t('output.stoppedAt', { epoch: s.stoppedEpoch ?? 0 }) }}
      />
      <ConfusionMatrix />
    </section>
  );
}
