// One convolution worked step by step on a test image: the kernel's window over the input, the nine products
// and their sum (f11 = p11·a11 + … + p33·a33 + b), the activation, the feature map the filter makes and
// the 2×2 pooling window that takes the position. Computed from the published filters (app/conv-step.ts).
import { useMemo, useState } from 'react';
import { convWindow, featureMap, featureMapSize, poolWindow, type ConvFilter } from '../../app/conv-step';
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { ImageTile } from './ImageTile';

const TILE = 112;
const fmt = (v: number) => v.toFixed(2);

/** A box over a tile: `rows`×`cols` cells from (row, col) of a height×width grid. */
function Box({ row, col, rows, cols, height, width, className }: { row: number; col: number; rows: number; cols: number; height: number; width: number; className: string }) {
  const style = { top: `${(row / height) * 100}%`, left: `${(col / width) * 100}%`, height: `${(rows / height) * 100}%`, width: `${(cols / width) * 100}%` };
  return <span className={`step-box ${className}`} style={style} />;
}

export function ConvStepper() {
  const t = useTranslate();
  const filters = usePlayground((s) => s.imageResults?.filters ?? null);
  const lesson = usePlayground((s) => s.lesson);
  const test = usePlayground((s) => s.data.test);
  const imageIndex = usePlayground((s) => s.inspected);
  const inspect = usePlayground((s) => s.inspect);
  const [filter, setFilter] = useState(0);
  const [position, setPosition] = useState(0);
  const conv = lesson.stack?.find((l) => l.type === 'Conv2D');
  const source = lesson.data;
  const f: ConvFilter | null = useMemo(
    () =>
      filters && conv
        ? { kernel: filters.values, kh: filters.shape[0], kw: filters.shape[1], filters: filters.shape[3], bias: filters.bias, padding: conv.config.padding === 'same' ? 'same' : 'valid' }
        : null,
    [filters, conv],
  );
  const [height, width] = source.kind === 'images' ? source.shape : [0, 0];
  const image = test[Math.min(imageIndex, test.length - 1)]?.values;
  const activation = String(conv?.config.activation ?? 'linear');
  const activate = (v: number) => (activation === 'relu' ? Math.max(0, v) : v);
  const map = useMemo(() => (f && image ? Array.from(featureMap(f, Math.min(filter, f.filters - 1), image, height, width), activate) : null), [f, image, filter, height, width, activation]);
  if (!f || !image || !map || source.kind !== 'images') return null;
  const k = Math.min(filter, f.filters - 1);
  const [oh, ow] = featureMapSize(f, height, width);
  const at = Math.min(position, oh * ow - 1);
  const row = Math.floor(at / ow), col = at % ow;
  const win = convWindow(f, k, image, height, width, row, col);
  const [pr, pc] = poolWindow(row, col);
  const pooled = Math.max(...[0, 1].flatMap((i) => [0, 1].map((j) => (pr + i < oh && pc + j < ow ? map[(pr + i) * ow + pc + j] : -Infinity))));
  const pad = f.padding === 'same' ? [Math.floor((f.kh - 1) / 2), Math.floor((f.kw - 1) / 2)] : [0, 0];
  const name = `f${row + 1},${col + 1}`;
  const terms = win.products.map((_, i) => `${fmt(win.weights[i])}·${fmt(win.inputs[i])}`).join(' + ');
  const low = Math.min(...map), high = Math.max(...map);
  return (
    <figure className="conv-stepper" data-testid="conv-stepper">
      <figcaption>{t('images.stepTitle')}</figcaption>
      <div className="step-controls">
        <button type="button" className="image-dataset-button" onClick={() => inspect((imageIndex + test.length - 1) % test.length)} aria-label={t('images.stepPrevImage')}>
          ‹
        </button>
        <span>{t('images.stepImage', { index: imageIndex + 1 })}</span>
        <button type="button" className="image-dataset-button" onClick={() => inspect((imageIndex + 1) % test.length)} aria-label={t('images.stepNextImage')}>
          ›
        </button>
        <label>
          {t('images.stepFilter')}{' '}
          <select value={k} onChange={(e) => setFilter(Number(e.target.value))}>
            {Array.from({ length: f.filters }, (_, i) => (
              <option key={i} value={i}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="image-dataset-button" onClick={() => setPosition((p) => (p + oh * ow - 1) % (oh * ow))} aria-label={t('images.stepPrev')}>
          ‹
        </button>
        <span data-testid="step-position">{t('images.stepPosition', { row: row + 1, col: col + 1 })}</span>
        <button type="button" className="image-dataset-button" data-testid="step-next" onClick={() => setPosition((p) => (p + 1) % (oh * ow))} aria-label={t('images.stepNext')}>
          ›
        </button>
      </div>
      <div className="step-row">
        <div className="step-tile">
          <ImageTile pixels={image} width={width} height={height} size={TILE} label={t('images.stepInput')} />
          <Box row={row - pad[0]} col={col - pad[1]} rows={f.kh} cols={f.kw} height={height} width={width} className="window" />
        </div>
        <table className="step-grid" aria-label={t('images.stepKernel')}>
          <caption>{t('images.stepKernel')}</caption>
          <tbody>
            {Array.from({ length: f.kh }, (_, i) => (
              <tr key={i}>
                {Array.from({ length: f.kw }, (_, j) => (
                  <td key={j}>{fmt(win.weights[i * f.kw + j])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <table className="step-grid" aria-label={t('images.stepWindow')}>
          <caption>{t('images.stepWindow')}</caption>
          <tbody>
            {Array.from({ length: f.kh }, (_, i) => (
              <tr key={i}>
                {Array.from({ length: f.kw }, (_, j) => (
                  <td key={j}>{fmt(win.inputs[i * f.kw + j])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="step-tile">
          <ImageTile pixels={map} width={ow} height={oh} size={TILE} range={[low, high === low ? low + 1 : high]} label={t('images.stepMap')} />
          <Box row={pr} col={pc} rows={2} cols={2} height={oh} width={ow} className="pool" />
          <Box row={row} col={col} rows={1} cols={1} height={oh} width={ow} className="cell" />
        </div>
      </div>
      <p className="step-formula" data-testid="step-formula">
        {name} = p11·a11 + … + p{f.kh}{f.kw}·a{f.kh}{f.kw} + b = {terms} + {fmt(f.bias[k])} = <strong>{fmt(win.sum)}</strong>
      </p>
      <p className="step-formula">
        {t('images.stepActivation', { activation, name, value: fmt(activate(win.sum)) })} {t('images.stepPool', { value: fmt(pooled) })}
      </p>
    </figure>
  );
}
