// How well the network learned, for the training, validation and test parts: accuracy and the per-class
// report (precision, recall, F1, support, macro average), the confusion matrix (a cell highlights its points
// on the plot), ROC and precision-recall curves for two classes, or RMSE, MAE and R² for regression.
// Everything comes from the store's `metrics`, which the trainer refreshes.
import { useState } from 'react';
import type { MessageKey } from '../../app/i18n';
import type { ClassificationMetrics, DataPart, PartMetrics } from '../../app/lesson-metrics';
import { DATA_PARTS } from '../../app/lesson-metrics';
import { usePlayground, type ConfusionCell } from '../../app/store';
import { useTranslate, type Translate } from '../app/use-translate';
import { classNames } from '../output/class-names';
import { CurveChart } from './CurveChart';

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const percent = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

function ClassReport({ metrics, names, t }: { metrics: ClassificationMetrics; names: string[]; t: Translate }) {
  const { report } = metrics;
  return (
    <table className="metrics-table" data-testid="class-report">
      <thead>
        <tr>
          <th>{t('metrics.class')}</th>
          <th>{t('metrics.precision')}</th>
          <th>{t('metrics.recall')}</th>
          <th>{t('metrics.f1')}</th>
          <th>{t('metrics.support')}</th>
        </tr>
      </thead>
      <tbody>
        {report.perClass.map((c, i) => (
          <tr key={i}>
            <th scope="row">{names[i]}</th>
            <td>{fixed(c.precision)}</td>
            <td>{fixed(c.recall)}</td>
            <td>{fixed(c.f1)}</td>
            <td>{c.support}</td>
          </tr>
        ))}
        <tr className="macro">
          <th scope="row">{t('metrics.macro')}</th>
          <td data-testid="macro-precision">{fixed(report.macro.precision)}</td>
          <td>{fixed(report.macro.recall)}</td>
          <td data-testid="macro-f1">{fixed(report.macro.f1)}</td>
          <td>{report.perClass.reduce((n, c) => n + c.support, 0)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function ConfusionMatrix({ part, metrics, names, t }: { part: DataPart; metrics: ClassificationMetrics; names: string[]; t: Translate }) {
  const highlight = usePlayground((s) => s.highlight);
  const setHighlight = usePlayground((s) => s.setHighlight);
  const { confusion } = metrics.report;
  const pick = (cell: ConfusionCell) => {
    const same = highlight && highlight.part === cell.part && highlight.actual === cell.actual && highlight.predicted === cell.predicted;
    setHighlight(same ? null : cell);
  };
  return (
    <div className="confusion" data-testid="confusion-matrix">
      <p className="confusion-axis">{t('metrics.predicted')}</p>
      <table>
        <thead>
          <tr>
            <th aria-label={t('metrics.actual')} />
            {names.map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, actual) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={actual}>
                <th scope="row">{names[actual]}</th>
                {row.map((count, predicted) => {
                  const on = highlight?.part === part && highlight.actual === actual && highlight.predicted === predicted;
                  // Shade by the share of the actual class: the diagonal is recall.
                  const share = count / total;
                  const tone = actual === predicted ? '8, 119, 189' : '245, 147, 34';
                  return (
                    <td key={predicted} className={on ? 'picked' : undefined} style={{ background: `rgba(${tone}, ${0.08 + 0.72 * share})` }}>
                      <button
                        type="button"
                        data-testid={`confusion-cell-${actual}-${predicted}`}
                        aria-pressed={on}
                        title={t('metrics.cell', { count, actual: names[actual], predicted: names[predicted] })}
                        onClick={() => pick({ part, actual, predicted })}
                      >
                        {count}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="confusion-axis rows">{t('metrics.actual')}</p>
    </div>
  );
}

function PartView({ part, metrics, names, t }: { part: DataPart; metrics: PartMetrics; names: string[]; t: Translate }) {
  if (metrics.kind === 'regression') {
    return (
      <dl className="metrics-figures" data-testid="regression-metrics">
        <dt>{t('metrics.rmse')}</dt>
        <dd data-testid="metric-rmse">{fixed(metrics.rmse)}</dd>
        <dt>{t('metrics.mae')}</dt>
        <dd data-testid="metric-mae">{fixed(metrics.mae)}</dd>
        <dt>{t('metrics.r2')}</dt>
        <dd data-testid="metric-r2">{fixed(metrics.r2)}</dd>
      </dl>
    );
  }
  return (
    <>
      <dl className="metrics-figures">
        <dt>{t('metrics.accuracy')}</dt>
        <dd data-testid="metric-accuracy">{percent(metrics.report.accuracy)}</dd>
      </dl>
      <div className="metrics-row">
        <ClassReport metrics={metrics} names={names} t={t} />
        <ConfusionMatrix part={part} metrics={metrics} names={names} t={t} />
      </div>
      <p className="legend-hint">{t('metrics.confusionHint')}</p>
      {names.length === 2 &&
        (metrics.roc && metrics.pr ? (
          <div className="metrics-row">
            <CurveChart testId="roc-curve" xs={metrics.roc.fpr} ys={metrics.roc.tpr} diagonal title={t('metrics.roc', { auc: fixed(metrics.roc.auc) })} xLabel={t('metrics.fpr')} yLabel={t('metrics.tpr')} />
            <CurveChart testId="pr-curve" xs={metrics.pr.recall} ys={metrics.pr.precision} title={t('metrics.pr', { ap: fixed(metrics.pr.averagePrecision) })} xLabel={t('metrics.recall')} yLabel={t('metrics.precision')} />
          </div>
        ) : (
          <p className="legend-hint">{t('metrics.noCurves')}</p>
        ))}
    </>
  );
}

export function MetricsPanel() {
  const t = useTranslate();
  const metrics = usePlayground((s) => s.metrics);
  const lesson = usePlayground((s) => s.lesson);
  const highlight = usePlayground((s) => s.highlight);
  const setHighlight = usePlayground((s) => s.setHighlight);
  const [chosen, setChosen] = useState<DataPart>('test');
  const parts = DATA_PARTS.filter((p) => metrics?.[p]);
  // The test part when there is one, else the first there is.
  const part = parts.includes(chosen) ? chosen : (parts.find((p) => p === 'test') ?? parts[0]);
  const names = classNames(lesson, t);
  const shown = part && metrics?.[part];
  const highlighted = highlight && metrics?.[highlight.part];
  const highlightCount = highlight && highlighted?.kind === 'classification' ? (highlighted.report.confusion[highlight.actual]?.[highlight.predicted] ?? 0) : 0;
  return (
    <section className="panel metrics-panel" data-testid="metrics-panel" aria-labelledby="metrics-title">
      <h2 className="column-title" id="metrics-title">
        {t('metrics.title')}
      </h2>
      {!shown ? (
        <p className="column-hint">{t('metrics.pending')}</p>
      ) : (
        <>
          <div className="part-tabs" role="group" aria-label={t('metrics.parts')}>
            {parts.map((p) => (
              <button key={p} type="button" className="text-button" aria-pressed={p === part} data-testid={`metrics-part-${p}`} onClick={() => setChosen(p)}>
                {t(`metrics.part.${p}` as MessageKey)}
              </button>
            ))}
          </div>
          <PartView part={part} metrics={shown} names={names} t={t} />
          {highlight && (
            <p className="highlight-note" data-testid="highlight-note">
              {t('metrics.highlighting', {
                count: highlightCount,
                part: t(`metrics.part.${highlight.part}` as MessageKey).toLowerCase(),
                actual: names[highlight.actual] ?? '',
                predicted: names[highlight.predicted] ?? '',
              })}{' '}
              <button type="button" className="text-button" onClick={() => setHighlight(null)}>
                {t('metrics.clearHighlight')}
              </button>
            </p>
          )}
          <p className="legend-hint">{t('metrics.refresh')}</p>
        </>
      )}
    </section>
  );
}
