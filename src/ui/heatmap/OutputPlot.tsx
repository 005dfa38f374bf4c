// The big plot: a heatmap over the input plane [−6, 6]² with the data points and axes drawn over it in SVG.
import { useMemo } from 'react';
import { scaleLinear } from 'd3';
import type { Point2D } from '../../data/playground-datasets';
import { PLANE_RADIUS } from '../../data/playground-datasets';
import { HeatmapCanvas } from './HeatmapCanvas';
import { valueColor } from './color-scale';

export interface OutputPlotProps {
  /** Side of the plotted square in CSS pixels (axes are drawn outside it). */
  size: number;
  grid: Float32Array | undefined;
  resolution: number;
  discretize: boolean;
  train: readonly Point2D[];
  test: readonly Point2D[] | null;
  label: string;
}

const AXIS_SPACE = { right: 28, bottom: 24 };
const TICKS = [-6, -4, -2, 0, 2, 4, 6];

export function OutputPlot({ size, grid, resolution, discretize, train, test, label }: OutputPlotProps) {
  const scale = useMemo(() => scaleLinear().domain([-PLANE_RADIUS, PLANE_RADIUS]).range([0, size]), [size]);
  const point = (p: Point2D, i: number, kind: 'train' | 'test') => (
    <circle key={i} className={kind} cx={scale(p.x)} cy={size - scale(p.y)} r={size > 280 ? 3.5 : 3} fill={valueColor(p.label)} />
  );

  return (
    <div className="output-plot" style={{ height: size + AXIS_SPACE.bottom }} data-testid="output-plot">
      <HeatmapCanvas grid={grid} resolution={resolution} discretize={discretize} label={label} className="heatmap" style={{ width: size, height: size }} />
      <svg width={size + AXIS_SPACE.right} height={size + AXIS_SPACE.bottom} aria-hidden="true">
        <g>{train.map((p, i) => point(p, i, 'train'))}</g>
        {test && <g>{test.map((p, i) => point(p, i, 'test'))}</g>}
        <g className="axis" transform={`translate(0,${size})`}>
          <line x1={0} x2={size} y1={0} y2={0} />
          {TICKS.map((v) => (
            <g key={v} transform={`translate(${scale(v)},0)`}>
              <line y2={5} />
              <text y={18} textAnchor="middle">
                {v}
              </text>
            </g>
          ))}
        </g>
        <g className="axis" transform={`translate(${size},0)`}>
          <line x1={0} x2={0} y1={0} y2={size} />
          {TICKS.map((v) => (
            <g key={v} transform={`translate(0,${size - scale(v)})`}>
              <line x2={5} />
              <text x={8} dy="0.35em">
                {v}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}
