// Keras's model.summary() for the network being trained: each layer, its output shape (None for the batch)
// and parameter count, and the totals. The trainer publishes it whenever it builds a network.
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

const count = (n: number) => n.toLocaleString('en-US');

export function SummaryPanel() {
  const t = useTranslate();
  const summary = usePlayground((s) => s.summary);
  if (!summary) return null;
  return (
    <section className="panel summary-panel" data-testid="summary-panel" aria-labelledby="summary-title">
      <h2 className="column-title" id="summary-title">
        {t('summary.title')}
      </h2>
      <table className="metrics-table summary-table">
        <thead>
          <tr>
            <th>{t('summary.layer')}</th>
            <th>{t('summary.outputShape')}</th>
            <th>{t('summary.params')}</th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((row) => (
            <tr key={row.name}>
              <th scope="row">
                {row.name} ({row.type})
              </th>
              <td>({row.outputShape.map((d) => (d === null ? 'None' : d)).join(', ')})</td>
              <td>{count(row.params)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="summary-total" data-testid="summary-total">
        {t('summary.total', { count: count(summary.totalParams) })}
      </p>
      <p className="summary-total">{t('summary.trainable', { count: count(summary.trainableParams) })}</p>
      <p className="summary-total">{t('summary.nonTrainable', { count: count(summary.nonTrainableParams) })}</p>
    </section>
  );
}
