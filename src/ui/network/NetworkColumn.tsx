// FEATURES and HIDDEN LAYERS: input nodes to toggle, layer and neuron +/−, every node as its own heatmap,
// links by weight (width ∝ |w|, color by sign, dashes flowing while training), bias squares, editable.
import { useState, type MouseEvent, type ReactNode } from 'react';
import { enabledFeatures, playgroundStore, usePlayground, type NodeRef } from '../../app/store';
import { inputNames } from '../../app/lesson';
import { MAX_HIDDEN_LAYERS, MAX_NEURONS } from '../../app/url-table';
import { FEATURE_IDS, featureById, type FeatureId } from '../../data/features';
import { useElementWidth } from '../app/use-element-width';
import { useTranslate } from '../app/use-translate';
import { HeatmapCanvas } from '../heatmap/HeatmapCanvas';
import { valueColor } from '../heatmap/color-scale';
import { unitMode } from '../heatmap/node-mode';
import { featureGrids, scaledGrid } from './feature-grids';
import { layoutNetwork, linkPath, linkWidth, type NodeBox } from './geometry';
import { LayerOptions, LAYER_OPTIONS_HEIGHT } from './LayerOptions';
import { LinkEditor } from './LinkEditor';

/** Room left of the input nodes for their labels: feature symbols, or a table's column names. */
const LABEL_GUTTER = 76;
const COLUMN_LABEL_GUTTER = 150;
/** Band above the nodes for the per-layer neuron buttons: side by side, or stacked when columns are close. */
const LAYER_BAND = 64;
const COMPACT_LAYER_BAND = 96;
/** Below this distance between columns the +/− buttons stack and the count drops its word. */
const COMPACT_COLUMN_SPACING = 96;
/** Height the nodes should fit in: taller on wide screens (projectors), so nodes grow with the page. */
const baseHeight = (width: number) => Math.max(380, Math.min(540, width * 0.5));

type Target = { kind: 'weight'; column: number; from: number; to: number } | { kind: 'bias'; column: number; index: number };
interface Card {
  target: Target;
  x: number;
  y: number;
  editing: boolean;
}

export function NetworkColumn() {
  const t = useTranslate();
  const [ref, width] = useElementWidth<HTMLDivElement>(520);
  const settings = usePlayground((s) => s.settings);
  const lesson = usePlayground((s) => s.lesson);
  const network = usePlayground((s) => s.network);
  const heatmaps = usePlayground((s) => s.heatmaps);
  const playing = usePlayground((s) => s.playing);
  const hovered = usePlayground((s) => s.hovered);
  const actions = playgroundStore.getState();
  const [card, setCard] = useState<Card | null>(null);

  const shape = settings.networkShape;
  const plane = lesson.data.kind === 'plane';
  const enabled = plane ? enabledFeatures(settings) : [];
  // A feature the classroom mode hides is left out when off; when on it still feeds the network, so it stays (not clickable).
  const shownFeatures = plane ? FEATURE_IDS.filter((id) => settings[id] || !settings[`${id}_hide`]) : [];
  /** A table's inputs are its columns, all fed to the network. */
  const columnNames = plane ? [] : inputNames(lesson.data);
  const outputUnits = lesson.model[lesson.model.length - 1].units;
  const inputCount = plane ? shownFeatures.length : columnNames.length;
  const labelGutter = plane ? LABEL_GUTTER : COLUMN_LABEL_GUTTER;
  const layout = layoutNetwork({ counts: [inputCount, ...shape, outputUnits], width: Math.max(200, width - labelGutter), height: baseHeight(width), maxNodeSize: 52 });
  const compact = layout.columnX.length > 1 && layout.columnX[1] - layout.columnX[0] < COMPACT_COLUMN_SPACING;
  const band = compact ? COMPACT_LAYER_BAND : LAYER_BAND;
  const place = (box: NodeBox): NodeBox => ({ ...box, x: box.x + labelGutter, y: box.y + band });
  const columns = layout.columns.map((col) => col.map(place));
  /** Node boxes of the network's columns: column 0 is the enabled features only, in FEATURE_IDS order. */
  const netColumns: NodeBox[][] = [plane ? enabled.map((id) => columns[0][shownFeatures.indexOf(id)]) : columns[0], ...columns.slice(1)];
  const thumbs = featureGrids(heatmaps?.neuronResolution ?? 32);
  const outputColumn = shape.length + 1;

  /** The published weight of a link, or undefined while the trainer has not caught up with a shape change. */
  const weightOf = (c: number, i: number, j: number): number | undefined => network?.weights[c]?.[i]?.[j];
  const biasOf = (c: number, j: number): number | undefined => network?.biases[c]?.[j];
  const cardValue = (target: Target) => (target.kind === 'weight' ? weightOf(target.column, target.from, target.to) : biasOf(target.column, target.index));

  const pointer = (e: MouseEvent) => {
    const rect = (ref.current as HTMLElement).getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const showCard = (target: Target, e: MouseEvent) => {
    if (card?.editing) return;
    if (cardValue(target) === undefined) return;
    setCard({ target, ...pointer(e), editing: false });
  };
  const hideCard = () => setCard((c) => (c?.editing ? c : null));
  const edit = (target: Target, e: MouseEvent) => {
    if (cardValue(target) === undefined) return;
    setCard({ target, ...pointer(e), editing: true });
  };
  const commit = (target: Target, value: number) => {
    if (target.kind === 'weight') actions.setWeight(target.column, target.from, target.to, value);
    else actions.setBias(target.column, target.index, value);
    setCard((c) => c && { ...c, editing: false });
  };
  const hover = (node: NodeRef | null) => actions.setHovered(node);
  const isHovered = (column: number, index: number) => hovered?.column === column && hovered.index === index;

  const links: { key: string; d: string; weight: number | undefined; target: Target }[] = [];
  for (let c = 0; c + 1 < netColumns.length; c++) {
    netColumns[c].forEach((from, i) =>
      netColumns[c + 1].forEach((to, j) =>
        links.push({ key: `${c}:${i}:${j}`, d: linkPath(from, to), weight: weightOf(c, i, j), target: { kind: 'weight', column: c, from: i, to: j } }),
      ),
    );
  }

  const neuronLabel = (column: number, index: number) =>
    column === outputColumn ? (outputUnits > 1 ? t('network.outputUnit', { unit: index + 1 }) : t('output.title')) : t('network.neuronLabel', { neuron: index + 1, layer: column });
  const bottomBand = shape.length > 0 ? LAYER_OPTIONS_HEIGHT : 0;

  return (
    <section className="column network-column" aria-labelledby="features-title">
      <div className="network-head">
        <h2 className="column-title" id="features-title">
          {t('features.title')}
        </h2>
        <span className="spacer" />
        {!settings.numHiddenLayers_hide && (
          <div className="layer-buttons">
            <button type="button" className="icon-button" data-testid="add-layer" onClick={actions.addLayer} disabled={shape.length >= MAX_HIDDEN_LAYERS} aria-label={t('network.addLayer')} title={t('network.addLayer')}>
              +
            </button>
            <button type="button" className="icon-button" data-testid="remove-layer" onClick={actions.removeLayer} disabled={shape.length === 0} aria-label={t('network.removeLayer')} title={t('network.removeLayer')}>
              −
            </button>
          </div>
        )}
        <span className="layer-count" data-testid="layer-count">
          {shape.length === 1 ? t('network.hiddenLayer') : t('network.hiddenLayers', { count: shape.length })}
        </span>
      </div>
      <p className="column-hint">{plane ? t('features.which') : t('network.inputs')}</p>
      <div className="network" ref={ref} style={{ height: layout.height + band + bottomBand }} onPointerLeave={() => hover(null)}>
        <svg className="links" width="100%" height={layout.height + band} aria-hidden="true">
          {links.map((l) => (
            <g key={l.key}>
              <path
                className={playing ? 'playing' : undefined}
                d={l.d}
                stroke={l.weight === undefined ? '#d0d5d8' : valueColor(l.weight)}
                strokeWidth={l.weight === undefined ? 1 : linkWidth(l.weight)}
                style={{ pointerEvents: 'none' }}
              />
              <path
                className="link-hit"
                d={l.d}
                stroke="transparent"
                strokeWidth={10}
                data-testid={`link-${l.key}`}
                onPointerEnter={(e) => showCard(l.target, e)}
                onPointerLeave={hideCard}
                onClick={(e) => edit(l.target, e)}
              />
            </g>
          ))}
        </svg>

        {shape.map((count, layer) => {
          const x = columns[layer + 1][0]?.x ?? 0;
          return (
            <div key={layer} className={`layer-controls${compact ? ' compact' : ''}`} style={{ left: x + layout.nodeSize / 2 }}>
              <div className="buttons">
                <button type="button" className="icon-button" data-testid={`add-neuron-${layer}`} onClick={() => actions.addNeuron(layer)} disabled={count >= MAX_NEURONS} aria-label={t('network.addNeuron')} title={t('network.addNeuron')}>
                  +
                </button>
                <button type="button" className="icon-button" data-testid={`remove-neuron-${layer}`} onClick={() => actions.removeNeuron(layer)} disabled={count <= 1} aria-label={t('network.removeNeuron')} title={t('network.removeNeuron')}>
                  −
                </button>
              </div>
              <span className="neuron-count" data-testid={`neuron-count-${layer}`}>
                {compact ? count : count === 1 ? t('network.neuron') : t('network.neurons', { count })}
              </span>
            </div>
          );
        })}

        {shownFeatures.map((id, row) => {
          const box = columns[0][row];
          const on = settings[id];
          const netIndex = enabled.indexOf(id);
          const style = { left: box.x, top: box.y, width: box.size, height: box.size };
          const thumb = <HeatmapCanvas grid={thumbs.get(id)} resolution={heatmaps?.neuronResolution ?? 32} label={featureById(id).label} />;
          return (
            <FeatureNode key={id} id={id} box={box}>
              {settings[`${id}_hide`] ? (
                <div className="node feature" style={style} data-testid={`feature-${id}`} aria-pressed={on} onPointerEnter={() => hover({ column: 0, index: netIndex })}>
                  {thumb}
                </div>
              ) : (
                <button
                  type="button"
                  className={`node feature${on ? '' : ' off'}${on && isHovered(0, netIndex) ? ' hovered' : ''}`}
                  style={style}
                  data-testid={`feature-${id}`}
                  aria-pressed={on}
                  title={featureById(id).label}
                  onClick={() => actions.toggleFeature(id)}
                  onPointerEnter={() => hover(on ? { column: 0, index: netIndex } : null)}
                >
                  {thumb}
                </button>
              )}
            </FeatureNode>
          );
        })}

        {columnNames.map((name, row) => {
          const box = columns[0][row];
          const grid = heatmaps?.columns[0]?.[row];
          return (
            <div key={name}>
              <span className={`feature-label${columnNames.length > 8 ? ' small' : ''}`} style={{ right: `calc(100% - ${box.x - 8}px)`, top: box.y + box.size / 2 }}>
                {name}
              </span>
              <div
                className={`node feature${isHovered(0, row) ? ' hovered' : ''}`}
                style={{ left: box.x, top: box.y, width: box.size, height: box.size }}
                data-testid={`input-${row}`}
                title={name}
                onPointerEnter={() => hover({ column: 0, index: row })}
              >
                <HeatmapCanvas grid={grid && scaledGrid(grid, heatmaps?.radius ?? 1)} resolution={heatmaps?.neuronResolution ?? 1} label={name} />
              </div>
            </div>
          );
        })}

        {shape.map((_, layer) => (
          <LayerOptions
            key={layer}
            layer={layer}
            left={(columns[layer + 1][0]?.x ?? 0) + layout.nodeSize / 2}
            top={layout.height + band}
            width={Math.min(96, (layout.columnX[1] ?? 100) - (layout.columnX[0] ?? 0) - 6)}
          />
        ))}

        {columns.slice(1).map((col, k) =>
          col.map((box, index) => {
            const column = k + 1;
            const bias = biasOf(column, index);
            const biasTarget: Target = { kind: 'bias', column, index };
            const grid = heatmaps?.columns[column]?.[index];
            return (
              <div key={`${column}:${index}`}>
                <div
                  className={`node neuron${isHovered(column, index) ? ' hovered' : ''}`}
                  style={{ left: box.x, top: box.y, width: box.size, height: box.size }}
                  data-testid={column === outputColumn ? (index === 0 ? 'output-node' : `output-node-${index}`) : `neuron-${column}-${index}`}
                  onPointerEnter={() => hover({ column, index })}
                >
                  <HeatmapCanvas grid={grid} resolution={heatmaps?.neuronResolution ?? 1} label={neuronLabel(column, index)} mode={unitMode(lesson.model[column - 1]?.activation ?? 'linear')} />
                </div>
                <button
                  type="button"
                  className="bias"
                  style={{ left: box.x - 5, top: box.y + box.size - 5, background: bias === undefined ? '#fff' : valueColor(bias) }}
                  data-testid={`bias-${column}-${index}`}
                  aria-label={t('network.bias')}
                  onPointerEnter={(e) => showCard(biasTarget, e)}
                  onPointerLeave={hideCard}
                  onClick={(e) => edit(biasTarget, e)}
                />
              </div>
            );
          }),
        )}

        {card && cardValue(card.target) !== undefined && (
          <LinkEditor
            key={`${JSON.stringify(card.target)}${card.editing}`}
            kind={card.target.kind}
            value={cardValue(card.target) as number}
            x={card.x}
            y={card.y}
            editing={card.editing}
            onCommit={(v) => commit(card.target, v)}
            onClose={() => setCard(null)}
          />
        )}
      </div>
    </section>
  );
}

/** An input node with its label to the left, as TensorFlow Playground draws them. */
function FeatureNode({ id, box, children }: { id: FeatureId; box: NodeBox; children: ReactNode }) {
  return (
    <>
      <span className="feature-label" style={{ right: `calc(100% - ${box.x - 10}px)`, top: box.y + box.size / 2 }}>
        {featureById(id).label}
      </span>
      {children}
    </>
  );
}
