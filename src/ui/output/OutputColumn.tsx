// OUTPUT: train and test loss, the loss chart, and the big heatmap (or the hovered node's, large).
import { enabledFeatures, usePlayground } from '../../app/store';
import { featureById } from '../../data/features';
import { formatLoss, LossChart } from '../charts/LossChart';
import { OutputPlot } from '../heatmap/OutputPlot';
import { useElementWidth } from '../app/use-element-width';
import { useHidden } from '../app/use-hidden';
import { useTranslate, type Translate } from '../app/use-translate';
import { featureGrids } from '../network/feature-grids';
import type { Heatmaps, NodeRef } from '../../app/store';
import type { Settings } from '../../app/url-table';

const AXIS_SPACE = 30;
const MAX_PLOT = 440;

interface Shown {
  grid: Float32Array | undefined;
  resolution: number;
  caption: string;
}

/** What the big plot shows: the hovered node's own heatmap, else the network's output. */
function shownGrid(heatmaps: Heatmaps | null, hovered: NodeRef | null, settings: Settings, t: Translate): Shown {
  const output: Shown = { grid: heatmaps?.output, resolution: heatmaps?.outputResolution ?? 1, caption: '' };
  if (!hovered || !heatmaps) return output;
  const lastColumn = settings.networkShape.length + 1;
  if (hovered.column === lastColumn) return output;
  if (hovered.column === 0) {
    const id = enabledFeatures(settings)[hovered.index];
    if (!id) return output;
    const resolution = heatmaps.neuronResolution;
    return { grid: featureGrids(resolution).get(id), resolution, caption: t('output.showingFeature', { feature: featureById(id).label }) };
  }
  const grid = heatmaps.columns[hovered.column]?.[hovered.index];
  if (!grid) return output;
  return {
    grid,
    resolution: heatmaps.neuronResolution,
    caption: t('output.showingNeuron', { neuron: hovered.index + 1, layer: hovered.column }),
  };
}

/** One loss figure: its swatch and label (a grid row of .loss-numbers), then its value. */
function LossRow({ kind, label, value }: { kind: 'test' | 'train'; label: string; value: number | null }) {
  return (
    <>
      <span className={kind}>
        <span className="swatch" />
        {label}
      </span>
      <span className="value" data-testid={`${kind}-loss`}>
        {formatLoss(value ?? undefined)}
      </span>
    </>
  );
}

export function OutputColumn() {
  const t = useTranslate();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const trainLoss = usePlayground((s) => s.trainLoss);
  const testLoss = usePlayground((s) => s.testLoss);
  const history = usePlayground((s) => s.lossHistory);
  const heatmaps = usePlayground((s) => s.heatmaps);
  const hovered = usePlayground((s) => s.hovered);
  const data = usePlayground((s) => s.data);
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const hideShowTest = useHidden('showTestData');
  const hideDiscretize = useHidden('discretize');
  const shown = shownGrid(heatmaps, hovered, settings, t);
  const plotSize = Math.max(160, Math.min(MAX_PLOT, width - AXIS_SPACE));

  return (
    <section className="column output-column" aria-labelledby="output-title" ref={ref}>
      <h2 className="column-title" id="output-title">
        {t('output.title')}
      </h2>
      <div className="loss-numbers">
        <LossRow kind="test" label={t('output.testLoss')} value={testLoss} />
        <LossRow kind="train" label={t('output.trainingLoss')} value={trainLoss} />
      </div>
      <LossChart
        epochs={history.epochs}
        train={history.train}
        test={history.test}
        labels={{ train: t('output.trainingLoss'), test: t('output.testLoss'), epoch: t('controls.epoch') }}
      />
      <OutputPlot
        size={plotSize}
        grid={shown.grid}
        resolution={shown.resolution}
        discretize={settings.discretize && shown.caption === ''}
        train={data.train}
        test={settings.showTestData ? data.test : null}
        label={shown.caption || t('output.title')}
      />
      <p className="output-caption" data-testid="output-caption">
        {shown.caption}
      </p>
      <div className="color-legend">
        <span>−1</span>
        <span className="bar" />
        <span>1</span>
      </div>
      <p className="legend-hint">{t('output.colorsHint')}</p>
      {!hideShowTest && (
        <label className="checkbox">
          <input type="checkbox" data-testid="show-test-data" checked={settings.showTestData} onChange={(e) => setSetting('showTestData', e.target.checked)} />
          {t('controls.showTestData')}
        </label>
      )}
      {!hideDiscretize && (
        <label className="checkbox">
          <input type="checkbox" data-testid="discretize" checked={settings.discretize} onChange={(e) => setSetting('discretize', e.target.checked)} />
          {t('controls.discretize')}
        </label>
      )}
    </section>
  );
}
