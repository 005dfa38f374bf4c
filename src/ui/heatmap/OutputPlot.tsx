// The big plot: a heatmap over the plot's plane [−radius, radius]² with the data points and axes drawn over
// it in SVG. Axis names are shown when the axes are input columns (a slice) rather than x₁ and x₂.
import { useMemo, type PointerEvent, type ReactNode } from 'react';
import { scaleLinear } from 'd3';

export interface PlotPoint {
  x: number;
  y: number;
  color: string;
  /** Picked in the metrics panel's confusion matrix: drawn larger and outlined, the others faded. */
  highlighted?: boolean;
}

export interface OutputPlotProps {
  /** Side of the plotted square in CSS pixels (axes are drawn outside it). */
  size: number;
  radius: number;
  /** The heatmap canvas, drawn under the points at `size` × `size`. */
  children: ReactNode;
  train: readonly PlotPoint[];
  test: readonly PlotPoint[] | null;
  /** Names of the horizontal and vertical axes, or null for the plane's x₁ and x₂ (unlabelled, as TensorFlow Playground). */
  axisNames?: [string, string] | null;
  /** Drawing: pointer events at plane coordinates (`pressed`: a button is down). */
  onPlanePointer?: (kind: 'down' | 'move' | 'up', x: number, y: number, pressed: boolean) => void;
}

const AXIS_SPACE = { right: 28, bottom: 24 };

function ticks(radius: number): number[] {
  const step = radius > 4 ? 2 : 1;
  const out: number[] = [];
  for (let v = -Math.floor(radius / step) * step; v <= radius + 1e-9; v += step) out.push(v);
  return out;
}

export function OutputPlot({ size, radius, children, train, test, axisNames = null, onPlanePointer }: OutputPlotProps) {
  const scale = useMemo(() => scaleLinear().domain([-radius, radius]).range([0, size]), [size, radius]);
  const inside = (p: PlotPoint) => Math.abs(p.x) <= radius && Math.abs(p.y) <= radius;
  const radiusOf = size > 280 ? 3.5 : 3;
  const anyHighlighted = train.some((p) => p.highlighted) || (test?.some((p) => p.highlighted) ?? false);
  const point = (p: PlotPoint, i: number, kind: 'train' | 'test') =>
    inside(p) && (
      <circle
        key={i}
        className={p.highlighted ? `${kind} highlighted` : kind}
        cx={scale(p.x)}
        cy={size - scale(p.y)}
        r={p.highlighted ? radiusOf + 2 : radiusOf}
        fill={p.color}
        opacity={anyHighlighted && !p.highlighted ? 0.25 : undefined}
      />
    );
  const marks = ticks(radius);
  const at = (e: PointerEvent<SVGRectElement>, kind: 'down' | 'move' | 'up') => {
    const box = e.currentTarget.getBoundingClientRect();
    onPlanePointer?.(kind, scale.invert(e.clientX - box.left), scale.invert(size - (e.clientY - box.top)), e.buttons !== 0);
  };
  const bottom = AXIS_SPACE.bottom + (axisNames ? 18 : 0);

  return (
    <div className="output-plot" style={{ height: size + bottom }} data-testid="output-plot">
      {children}
      <svg width={size + AXIS_SPACE.right} height={size + bottom} aria-hidden="true">
        {onPlanePointer && (
          <rect
            className="draw-surface"
            data-testid="draw-surface"
            width={size}
            height={size}
            fill="transparent"
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              at(e, 'down');
            }}
            onPointerMove={(e) => at(e, 'move')}
            onPointerUp={(e) => at(e, 'up')}
          />
        )}
        <g style={{ pointerEvents: 'none' }}>{train.map((p, i) => point(p, i, 'train'))}</g>
        {test && <g style={{ pointerEvents: 'none' }}>{test.map((p, i) => point(p, i, 'test'))}</g>}
        <g className="axis" transform={`translate(0,${size})`}>
          <line x1={0} x2={size} y1={0} y2={0} />
          {marks.map((v) => (
            <g key={v} transform={`translate(${scale(v)},0)`}>
              <line y2={5} />
              <text y={18} textAnchor="middle">
                {v}
              </text>
            </g>
          ))}
          {axisNames && (
            <text className="axis-name" x={size / 2} y={36} textAnchor="middle" data-testid="axis-x">
              {axisNames[0]}
            </text>
          )}
        </g>
        <g className="axis" transform={`translate(${size},0)`}>
          <line x1={0} x2={0} y1={0} y2={size} />
          {marks.map((v) => (
            <g key={v} transform={`translate(0,${size - scale(v)})`}>
              <line x2={5} />
              <text x={8} dy="0.35em">
                {v}
              </text>
            </g>
          ))}
        </g>
        {axisNames && (
          <text className="axis-name" transform={`translate(12,${size / 2}) rotate(-90)`} textAnchor="middle" data-testid="axis-y">
            {axisNames[1]}
          </text>
        )}
      </svg>
    </div>
  );
}
