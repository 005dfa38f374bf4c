// Weight and bias histograms per layer over training, as TensorBoard draws them: one histogram per kept
// snapshot (the store's paramHistory), offset so the oldest sits at the back (top) and the newest in front
// (bottom), over shared bins so the spread can be compared across time.
import { area, bin, curveMonotoneX, extent, max, scaleLinear } from 'd3';
import type { ParamSnapshot } from '../../app/param-history';
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

const WIDTH = 230;
const RIDGE = 34;
const STEP = 9;
/** Bins for n values: about 1.5·√n, so a bias vector of six is not drawn as spikes and a big kernel still shows its shape. */
const binCount = (n: number) => Math.max(6, Math.min(24, Math.round(1.5 * Math.sqrt(n))));
const PAD = { left: 6, right: 6, top: 4, bottom: 18 };

interface RidgeProps {
  title: string;
  /** One list of values per snapshot, oldest first. */
  series: number[][];
  epochs: number[];
  testId: string;
}

function Ridges({ title, series, epochs, testId }: RidgeProps) {
  const t = useTranslate();
  const all = series.flat();
  let [lo, hi] = extent(all) as [number | undefined, number | undefined];
  if (lo === undefined || hi === undefined) return null;
  // A tensor of one repeated value (biases at their start) gets a unit-wide span around it.
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.5, hi + 0.5];
  const bins = binCount(series[0].length);
  const thresholds = Array.from({ length: bins - 1 }, (_, i) => lo + ((hi - lo) * (i + 1)) / bins);
  const binner = bin().domain([lo, hi]).thresholds(thresholds);
  const counts = series.map((values) => binner(values).map((b) => ({ x: ((b.x0 ?? lo) + (b.x1 ?? hi)) / 2, n: b.length / values.length })));
  const top = max(counts.flat(), (c) => c.n) ?? 1;
  const height = PAD.top + RIDGE + STEP * (series.length - 1) + PAD.bottom;
  const x = scaleLinear().domain([lo, hi]).range([PAD.left, WIDTH - PAD.right]);
  const y = scaleLinear().domain([0, top]).range([0, RIDGE]);
  return (
    <figure className="histogram" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={WIDTH} height={height} role="img" aria-label={title}>
        {counts.map((c, i) => {
          const base = PAD.top + RIDGE + STEP * i;
          const d =
            area<{ x: number; n: number }>()
              .x((p) => x(p.x))
              .y0(base)
              .y1((p) => base - y(p.n))
              .curve(curveMonotoneX)(c) ?? '';
          const newness = series.length === 1 ? 1 : i / (series.length - 1);
          return (
            <path key={epochs[i]} className="histogram-ridge" d={d} style={{ fillOpacity: 0.25 + 0.6 * newness }}>
              <title>{t('histograms.epoch', { epoch: epochs[i] })}</title>
            </path>
          );
        })}
        <text x={x(lo)} y={height - 4} textAnchor="start">
          {lo.toFixed(2)}
        </text>
        <text x={x(hi)} y={height - 4} textAnchor="end">
          {hi.toFixed(2)}
        </text>
        <text x={WIDTH / 2} y={height - 4} textAnchor="middle">
          {t('histograms.epoch', { epoch: `${epochs[0]}–${epochs[epochs.length - 1]}` })}
        </text>
      </svg>
    </figure>
  );
}

export function HistogramPanel() {
  const t = useTranslate();
  const snapshots: ParamSnapshot[] = usePlayground((s) => s.paramHistory.snapshots);
  if (snapshots.length === 0) return null;
  const layers = snapshots[snapshots.length - 1].params.weights.length;
  // A snapshot taken before the architecture changed has other shapes: only those matching the latest are stacked.
  const same = (s: ParamSnapshot) => s.params.weights.length === layers && s.params.weights.every((w, l) => w.length === snapshots[snapshots.length - 1].params.weights[l].length);
  const kept = snapshots.filter(same);
  const keptEpochs = kept.map((s) => s.epoch);
  return (
    <section className="panel histogram-panel" data-testid="histogram-panel" aria-labelledby="histogram-title">
      <h2 className="column-title" id="histogram-title">
        {t('histograms.title')}
      </h2>
      <div className="histogram-grid">
        {Array.from({ length: layers }, (_, l) => (
          <div key={l} className="histogram-layer">
            <Ridges title={t('histograms.weights', { layer: l + 1 })} testId={`histogram-weights-${l + 1}`} epochs={keptEpochs} series={kept.map((s) => s.params.weights[l].flat())} />
            <Ridges title={t('histograms.biases', { layer: l + 1 })} testId={`histogram-biases-${l + 1}`} epochs={keptEpochs} series={kept.map((s) => s.params.biases[l + 1])} />
          </div>
        ))}
      </div>
      <p className="legend-hint">{t('histograms.hint')}</p>
    </section>
  );
}
