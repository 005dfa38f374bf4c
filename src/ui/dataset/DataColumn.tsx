// DATA: dataset thumbnails (TensorFlow Playground's, then the multi-class sets), the course's tables, classes,
// ratio of training to test data, noise, batch size, regenerate.
import { usePlayground } from '../../app/store';
import { COURSE_TABLES } from '../../data/course-tables';
import { CLASSIFICATION_DATASETS, MAX_CLASSES, MIN_CLASSES, MULTICLASS_DATASETS, REGRESSION_DATASETS } from '../../data/playground-datasets';
import { useHidden } from '../app/use-hidden';
import { useTranslate } from '../app/use-translate';
import { CsvUpload } from './CsvUpload';
import { DatasetThumbnail } from './DatasetThumbnail';
import { Slider } from './Slider';

/** TensorFlow Playground's slider tops at 30; teachers asked for larger batches, the URL allows up to 1,000. */
const BATCH_SLIDER_MAX = 100;

export function DataColumn() {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const lesson = usePlayground((s) => s.lesson);
  const data = usePlayground((s) => s.data);
  const upload = usePlayground((s) => s.upload);
  const setSetting = usePlayground((s) => s.setSetting);
  const regenerate = usePlayground((s) => s.regenerate);
  const hideDataset = useHidden('dataset');
  const hidePerc = useHidden('percTrainData');
  const hideNoise = useHidden('noise');
  const hideBatch = useHidden('batchSize');
  const regression = settings.problem === 'regression';
  const source = lesson.data;
  const multiclass = source.kind === 'plane' && ((MULTICLASS_DATASETS as readonly string[]).includes(source.dataset) || source.dataset === 'drawn');
  const table = source.kind === 'table' ? source : null;

  return (
    <section className="column data-column" aria-labelledby="data-title">
      <h2 className="column-title" id="data-title">
        {t('data.title')}
      </h2>
      {!hideDataset && (
        <>
          <p className="column-hint">{t('data.which')}</p>
          <div className="dataset-grid">
            {regression
              ? REGRESSION_DATASETS.map((name) => (
                  <DatasetThumbnail key={name} name={name} label={t(`dataset.${name}`)} selected={settings.regDataset === name} onSelect={() => setSetting('regDataset', name)} />
                ))
              : [...CLASSIFICATION_DATASETS, ...MULTICLASS_DATASETS].map((name) => (
                  <DatasetThumbnail key={name} name={name} label={t(`dataset.${name}`)} classes={settings.classes} selected={settings.dataset === name} onSelect={() => setSetting('dataset', name)} />
                ))}
          </div>
          {!regression && (
            <>
              <p className="column-hint">{t('data.ownAndTables')}</p>
              <div className="table-list">
                <button type="button" className="table-button" aria-pressed={settings.dataset === 'drawn'} data-testid="dataset-drawn" onClick={() => setSetting('dataset', 'drawn')}>
                  {t('dataset.drawn')}
                </button>
                {upload && (
                  <button type="button" className="table-button" aria-pressed={settings.dataset === 'upload'} data-testid="dataset-upload" onClick={() => setSetting('dataset', 'upload')}>
                    {t('dataset.upload')}: {upload.name}
                  </button>
                )}
                {COURSE_TABLES.map((name) => (
                  <button key={name} type="button" className="table-button" aria-pressed={settings.dataset === name} data-testid={`dataset-${name}`} onClick={() => setSetting('dataset', name)}>
                    {t(`dataset.${name}`)}
                  </button>
                ))}
              </div>
              <CsvUpload />
            </>
          )}
        </>
      )}
      {table?.table === 'upload' && table.inputNames.length === 0 && <p className="column-hint">{t('data.noUpload')}</p>}
      {table && table.inputNames.length > 0 && (
        <p className="column-hint" data-testid="table-info">
          {t('data.tableInfo', { rows: data.train.length + data.validation.length + data.test.length, inputs: table.inputNames.length, classes: table.classes })}
          {table.trainOnAll && ` ${t('data.trainOnAll')}`}
        </p>
      )}
      {multiclass && (
        <Slider label={t('controls.classes')} testId="classes" value={settings.classes} min={MIN_CLASSES} max={MAX_CLASSES} step={1} onChange={(v) => setSetting('classes', v)} />
      )}
      {!hidePerc && !table?.trainOnAll && (
        <Slider
          label={t('controls.percTrainData')}
          testId="perc-train"
          value={settings.percTrainData}
          min={10}
          max={90}
          step={10}
          format={(v) => `${v}%`}
          onChange={(v) => setSetting('percTrainData', v)}
        />
      )}
      {!hideNoise && !table && (
        <Slider label={t('controls.noise')} testId="noise" value={settings.noise} min={0} max={50} step={5} onChange={(v) => setSetting('noise', v)} />
      )}
      {!hideBatch && (
        <Slider
          label={t('controls.batchSize')}
          testId="batch-size"
          value={settings.batchSize}
          min={1}
          max={Math.max(BATCH_SLIDER_MAX, settings.batchSize)}
          step={1}
          onChange={(v) => setSetting('batchSize', v)}
        />
      )}
      <button type="button" className="text-button" data-testid="regenerate" onClick={regenerate}>
        {t('controls.regenerate')}
      </button>
    </section>
  );
}
