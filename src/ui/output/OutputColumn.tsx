// OUTPUT: losses (and accuracies when classifying), the loss chart, and the big plot: the output over the
// plane (a class map with several classes), or the hovered node's own heatmap; for a table, a slice
// through two chosen inputs with the others held at their training mean.
import { useRef, useState } from 'react';
import { enabledFeatures, usePlayground } from '../../app/store';
import { inputNames, isClassification, type Lesson } from '../../app/lesson';
import type { Sample } from '../../app/lesson-data';
import { featureById } from '../../data/features';
import { PLANE_RADIUS } from '../../data/playground-datasets';
import { formatLoss, LossChart } from '../charts/LossChart';
import { HeatmapCanvas, type HeatmapMode } from '../heatmap/HeatmapCanvas';
import { OutputPlot, type PlotPoint } from '../heatmap/OutputPlot';
import { classColor, valueColor } from '../heatmap/color-scale';
import { outputMode, unitMode } from '../heatmap/node-mode';
import { useElementWidth } from '../app/use-element-width';
import { useHidden } from '../app/use-hidden';
import { useTranslate, type Translate } from '../app/use-translate';
import { featureGrids } from '../network/feature-grids';
import { SelectControl } from '../controls/SelectControl';
import { useDrawing } from './DrawingTools';
import { classNames } from './class-names';
import { plotPng } from './plot-png';
import { downloadBlob } from '../app/download';
import type { ConfusionCell, Heatmaps, HighlightClasses, NodeRef } from '../../app/store';
import type { DataPart } from '../../app/lesson-metrics';
import type { Settings } from '../../app/url-table';

const AXIS_SPACE = 30;
const MAX_PLOT = 440;

interface Shown {
  grid: Float32Array | undefined;
  resolution: number;
  mode: HeatmapMode;
  caption: string;
}

/** What the big plot shows: the hovered node's own heatmap, else the network's output. */
function shownGrid(heatmaps: Heatmaps | null, hovered: NodeRef | null, settings: Settings, lesson: Lesson, t: Translate): Shown {
  const output: Shown = { grid: heatmaps?.output, resolution: heatmaps?.outputResolution ?? 1, mode: outputMode(lesson), caption: '' };
  if (!hovered || !heatmaps) return output;
  const lastColumn = lesson.model.length;
  const resolution = heatmaps.neuronResolution;
  if (hovered.column === 0) {
    if (lesson.data.kind === 'plane') {
      const id = enabledFeatures(settings)[hovered.index];
      if (!id) return output;
      return { grid: featureGrids(resolution).get(id), resolution, mode: 'signed', caption: t('output.showingFeature', { feature: featureById(id).label }) };
    }
    return output;
  }
  const grid = heatmaps.columns[hovered.column]?.[hovered.index];
  if (!grid) return output;
  const layer = lesson.model[hovered.column - 1];
  const caption =
    hovered.column === lastColumn
      ? t('output.showingOutputUnit', { unit: hovered.index + 1 })
      : t('output.showingNeuron', { neuron: hovered.index + 1, layer: hovered.column });
  return { grid, resolution, mode: unitMode(layer.activation), caption };
}

/** One figure: its swatch and label (a grid row of .loss-numbers), then its value. */
export function NumberRow({ kind, label, value, testId }: { kind: 'test' | 'train' | 'validation'; label: string; value: string; testId: string }) {
  return (
    <>
      <span className={kind}>
        <span className="swatch" />
        {label}
      </span>
      <span className="value" data-testid={testId}>
        {value}
      </span>
    </>
  );
}

/** Accuracy as a percentage with one decimal, or "–" before the first evaluation. */
export function formatAccuracy(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Where each sample sits on the plot and its colour (class, or target value on the signed scale); `marked[i]`: highlighted. */
function plotPoints(samples: readonly Sample[], lesson: Lesson, marked?: readonly boolean[]): PlotPoint[] {
  const [ax, ay] = lesson.view.kind === 'slice' ? lesson.view.axes : [0, 1];
  const classify = isClassification(lesson);
  return samples.map((s, i) => ({ x: s.values[ax], y: s.values[ay], color: classify ? classColor(s.label) : valueColor(s.label), highlighted: marked?.[i] }));
}

/** Which samples of a part fall in the confusion cell picked in the metrics panel (undefined: none picked there). */
function confusionMarks(part: DataPart, samples: readonly Sample[], highlight: ConfusionCell | null, classes: HighlightClasses | null): boolean[] | undefined {
  if (!highlight || highlight.part !== part || classes?.part !== part || classes.predicted.length !== samples.length) return undefined;
  const { predicted } = classes;
  return samples.map((s, i) => s.label === highlight.actual && predicted[i] === highlight.predicted);
}

export function OutputColumn() {
  const t = useTranslate();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const trainLoss = usePlayground((s) => s.trainLoss);
  const testLoss = usePlayground((s) => s.testLoss);
  const validationLoss = usePlayground((s) => s.validationLoss);
  const trainAccuracy = usePlayground((s) => s.trainAccuracy);
  const testAccuracy = usePlayground((s) => s.testAccuracy);
  const history = usePlayground((s) => s.lossHistory);
  const stoppedEpoch = usePlayground((s) => s.stoppedEpoch);
  const heatmaps = usePlayground((s) => s.heatmaps);
  const hovered = usePlayground((s) => s.hovered);
  const data = usePlayground((s) => s.data);
  const highlight = usePlayground((s) => s.highlight);
  const highlightClasses = usePlayground((s) => s.highlightClasses);
  const lesson = usePlayground((s) => s.lesson);
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const hideShowTest = useHidden('showTestData');
  const plotRef = useRef<HTMLDivElement>(null);
  const [pngError, setPngError] = useState<string | null>(null);
  const hideDiscretize = useHidden('discretize');
  const shown = shownGrid(heatmaps, hovered, settings, lesson, t);
  const plotSize = Math.max(160, Math.min(MAX_PLOT, width - AXIS_SPACE));
  const classify = isClassification(lesson);
  const hasTest = data.test.length > 0;
  const view = lesson.view;
  const names = inputNames(lesson.data);
  const radius = heatmaps?.radius ?? (view.kind === 'plane' ? view.radius : PLANE_RADIUS);
  const drawing = useDrawing();
  const drawn = lesson.data.kind === 'plane' && lesson.data.dataset === 'drawn';
  const classLabels = classNames(lesson, t);

  return (
    <section className="column output-column" aria-labelledby="output-title" ref={ref}>
      <h2 className="column-title" id="output-title">
        {t('output.title')}
      </h2>
      <div className="loss-numbers">
        {hasTest && <NumberRow kind="test" label={t('output.testLoss')} value={formatLoss(testLoss ?? undefined)} testId="test-loss" />}
        <NumberRow kind="train" label={t('output.trainingLoss')} value={formatLoss(trainLoss ?? undefined)} testId="train-loss" />
        {data.validation.length > 0 && <NumberRow kind="validation" label={t('output.validationLoss')} value={formatLoss(validationLoss ?? undefined)} testId="validation-loss" />}
        {classify && hasTest && <NumberRow kind="test" label={t('output.testAccuracy')} value={formatAccuracy(testAccuracy)} testId="test-accuracy" />}
        {classify && <NumberRow kind="train" label={t('output.trainingAccuracy')} value={formatAccuracy(trainAccuracy)} testId="train-accuracy" />}
      </div>
      <LossChart
        epochs={history.epochs}
        train={history.train}
        test={history.test}
        validation={data.validation.length > 0 ? history.validation : undefined}
        stoppedEpoch={stoppedEpoch}
        labels={{ train: t('output.trainingLoss'), test: t('output.testLoss'), epoch: t('controls.epoch'), stopped: t('output.stoppedAt', { epoch: stoppedEpoch ?? 0 }) }}
      />
      {stoppedEpoch !== null && (
        <p className="stopped-note" data-testid="stopped-note">
          {t('output.stoppedAt', { epoch: stoppedEpoch })}
        </p>
      )}
      {data.loading && <p className="column-hint">{t('data.loading')}</p>}
      <div ref={plotRef}>
        <OutputPlot
          size={plotSize}
          radius={radius}
          train={[
            ...plotPoints(data.train, lesson, confusionMarks('train', data.train, highlight, highlightClasses)),
            // Validation rows are drawn only while a cell of theirs is picked.
            ...(highlight?.part === 'validation' ? plotPoints(data.validation, lesson, confusionMarks('validation', data.validation, highlight, highlightClasses)) : []),
          ]}
          test={settings.showTestData || highlight?.part === 'test' ? plotPoints(data.test, lesson, confusionMarks('test', data.test, highlight, highlightClasses)) : null}
          axisNames={view.kind === 'slice' ? [names[view.axes[0]], names[view.axes[1]]] : null}
          onPlanePointer={drawn ? drawing.onPlanePointer : undefined}
        >
          <HeatmapCanvas
            grid={shown.grid}
            resolution={shown.resolution}
            mode={shown.mode}
            discretize={settings.discretize && shown.caption === ''}
            label={shown.caption || t('output.title')}
            className="heatmap"
            style={{ width: plotSize, height: plotSize }}
          />
        </OutputPlot>
      </div>
      {drawn && drawing.tools}
      <p className="output-caption" data-testid="output-caption">
        {shown.caption}
      </p>
      {view.kind === 'slice' && (
        <div className="slice-controls">
          <SelectControl label={t('output.sliceX')} testId="slice-x" value={view.axes[0]} options={names.map((_, i) => i)} optionLabel={(i) => names[i]} onChange={(i) => setSetting('sliceX', i)} />
          <SelectControl label={t('output.sliceY')} testId="slice-y" value={view.axes[1]} options={names.map((_, i) => i)} optionLabel={(i) => names[i]} onChange={(i) => setSetting('sliceY', i)} />
          {names.length > 2 && (
            <p className="column-hint" data-testid="slice-note">
              {t('output.sliceNote', { count: names.length - 2 })}
            </p>
          )}
        </div>
      )}
      {classify && (classLabels.length > 2 || lesson.data.kind === 'table') && (
        <ul className="class-legend" data-testid="class-legend">
          {classLabels.map((name, i) => (
            <li key={name}>
              <span className="swatch" style={{ background: classColor(i) }} />
              {name}
            </li>
          ))}
        </ul>
      )}
      {typeof shown.mode !== 'object' && (
        <div className="color-legend">
          <span>{shown.mode === 'probability' ? 0 : -1}</span>
          <span className="bar" />
          <span>1</span>
        </div>
      )}
      <p className="legend-hint">{t(typeof shown.mode === 'object' ? 'output.classColorsHint' : 'output.colorsHint')}</p>
      {!hideShowTest && hasTest && (
        <label className="checkbox">
          <input type="checkbox" data-testid="show-test-data" checked={settings.showTestData} onChange={(e) => setSetting('showTestData', e.target.checked)} />
          {t('controls.showTestData')}
        </label>
      )}
      <button
        type="button"
        className="text-button"
        data-testid="download-plot"
        onClick={() => {
          if (!plotRef.current) return;
          setPngError(null);
          const legend = classify ? classLabels.map((name, i) => ({ name, color: classColor(i) })) : [];
          const name = `${settings.problem === 'regression' ? settings.regDataset : settings.dataset}-plot.png`;
          plotPng(plotRef.current, legend).then(
            (blob) => downloadBlob(name, blob),
            (error: unknown) => setPngError(error instanceof Error ? error.message : String(error)),
          );
        }}
      >
        {t('export.png')}
      </button>
      {pngError && (
        <p className="csv-error" role="alert">
          {t('export.pngFailed', { message: pngError })}
        </p>
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
