// Train and test loss over time, drawn with d3 scales and line generators into React-owned SVG.
import { useMemo, useState, type PointerEvent } from 'react';
import { extent, line, max, scaleLinear } from 'd3';
import { useElementWidth } from '../app/use-element-width';

export interface LossChartProps {
  /** X coordinate of each sample (epoch); same length as the loss arrays. */
  epochs: ArrayLike<number>;
  train: ArrayLike<number>;
  test: ArrayLike<number>;
  /** Drawn dashed where finite (a validation part). */
  validation?: ArrayLike<number>;
  height?: number;
  /** The epoch early stopping ended at: marked with a line. */
  stoppedEpoch?: number | null;
  labels: { train: string; test: string; epoch: string; stopped?: string };
  /** Prefixed to the test ids when the page holds more than one such chart (e.g. "accuracy-"). */
  testIdPrefix?: string;
}

const MARGIN = { top: 6, right: 8, bottom: 6, left: 8 };

export function LossChart({ epochs, train, test, validation, height = 90, labels, stoppedEpoch = null, testIdPrefix = '' }: LossChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const n = Math.min(epochs.length, train.length, test.length);

  const { x, y, trainPath, testPath, validationPath } = useMemo(() => {
    const xs = Array.from({ length: n }, (_, i) => epochs[i]);
    const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : 0);
    const top = max(Array.from({ length: n }, (_, i) => Math.max(finite(train[i]), finite(test[i]), finite(validation?.[i])))) ?? 1;
    const [x0, x1] = extent(xs) as [number | undefined, number | undefined];
    const xScale = scaleLinear()
      .domain([x0 ?? 0, x1 !== undefined && x1 > (x0 ?? 0) ? x1 : (x0 ?? 0) + 1])
      .range([MARGIN.left, Math.max(MARGIN.left + 1, width - MARGIN.right)]);
    const yScale = scaleLinear()
      .domain([0, top > 0 ? top : 1])
      .range([height - MARGIN.bottom, MARGIN.top]);
    const path = (values: ArrayLike<number>) =>
      line<number>()
        .defined((i) => Number.isFinite(values[i]))
        .x((i) => xScale(xs[i]))
        .y((i) => yScale(values[i]))(Array.from({ length: n }, (_, i) => i)) ?? '';
    return { x: xScale, y: yScale, trainPath: path(train), testPath: path(test), validationPath: validation ? path(validation) : '' };
  }, [epochs, train, test, validation, n, width, height]);

  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if (n === 0) return;
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const epoch = x.invert(px);
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(epochs[i] - epoch) < Math.abs(epochs[best] - epoch)) best = i;
    setHover(best);
  };

  const h = hover !== null && hover < n ? hover : null;
  return (
    <div className="loss-chart" ref={ref} data-testid={`${testIdPrefix}loss-chart`}>
      <svg width={width} height={height} onPointerMove={onMove} onPointerLeave={() => setHover(null)}>
        {stoppedEpoch !== null && (
          <line className="loss-stopped" data-testid={`${testIdPrefix}loss-stopped`} x1={x(stoppedEpoch)} x2={x(stoppedEpoch)} y1={MARGIN.top} y2={height - MARGIN.bottom}>
            <title>{labels.stopped}</title>
          </line>
        )}
        <path className="loss-line test" d={testPath} />
        <path className="loss-line train" d={trainPath} />
        {validationPath && <path className="loss-line validation" d={validationPath} data-testid={`${testIdPrefix}validation-line`} />}
        {h !== null && (
          <g className="loss-hover">
            <line x1={x(epochs[h])} x2={x(epochs[h])} y1={MARGIN.top} y2={height - MARGIN.bottom} />
            <circle className="train" cx={x(epochs[h])} cy={y(train[h])} r={3.5} />
            <circle className="test" cx={x(epochs[h])} cy={y(test[h])} r={3.5} />
          </g>
        )}
      </svg>
      {h !== null && (
        <div className="loss-tooltip" data-testid={`${testIdPrefix}loss-tooltip`} style={{ left: Math.min(x(epochs[h]) + 8, Math.max(0, width - 150)) }}>
          <div>
            {labels.epoch} {epochs[h]}
          </div>
          <div className="train">
            {labels.train} {formatLoss(train[h])}
          </div>
          <div className="test">
            {labels.test} {formatLoss(test[h])}
          </div>
        </div>
      )}
    </div>
  );
}

/** A loss this large reads better as a power of ten (toFixed gives 13 digits, or its own "e+21" form from 1e21 up). */
const EXPONENT_FROM = 1e6;

/**
 * Loss as TensorFlow Playground prints it: three decimals, or "–" before the first evaluation; one that
 * grew huge (a run diverging) with four significant digits and its power of ten, "4.992e+29".
 */
export function formatLoss(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= EXPONENT_FROM ? value.toExponential(3) : value.toFixed(3);
}
