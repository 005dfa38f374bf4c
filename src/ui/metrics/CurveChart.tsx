// A curve in the unit square (ROC, precision-recall), drawn with d3 scales into React-owned SVG.
import { line, scaleLinear } from 'd3';

export interface CurveChartProps {
  xs: readonly number[];
  ys: readonly number[];
  title: string;
  xLabel: string;
  yLabel: string;
  /** Draw the chance line y = x (ROC). */
  diagonal?: boolean;
  testId: string;
  size?: number;
}

const PAD = { left: 30, bottom: 28, top: 4, right: 6 };

export function CurveChart({ xs, ys, title, xLabel, yLabel, diagonal = false, testId, size = 170 }: CurveChartProps) {
  const x = scaleLinear().domain([0, 1]).range([PAD.left, size - PAD.right]);
  const y = scaleLinear().domain([0, 1]).range([size - PAD.bottom, PAD.top]);
  const path = line<number>()
    .x((i) => x(xs[i]))
    .y((i) => y(ys[i]))(xs.map((_, i) => i)) ?? '';
  return (
    <figure className="curve-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={size} height={size} role="img" aria-label={title}>
        <rect x={x(0)} y={y(1)} width={x(1) - x(0)} height={y(0) - y(1)} className="curve-frame" />
        {diagonal && <line className="curve-chance" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} />}
        <path className="curve-line" d={path} />
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <text x={x(v)} y={size - PAD.bottom + 12} textAnchor="middle">
              {v}
            </text>
            <text x={PAD.left - 4} y={y(v)} dy="0.35em" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <text className="curve-axis" x={(x(0) + x(1)) / 2} y={size - 3} textAnchor="middle">
          {xLabel}
        </text>
        <text className="curve-axis" transform={`translate(9,${(y(0) + y(1)) / 2}) rotate(-90)`} textAnchor="middle">
          {yLabel}
        </text>
      </svg>
    </figure>
  );
}
