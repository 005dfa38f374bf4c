// Draw a digit (mouse, pen or finger): it is centred and scaled as the dataset's images were
// (data/digit-centring.ts), and the trainer classifies it; the bars show each class's probability.
import { useEffect, useRef, type PointerEvent } from 'react';
import { centreDigit } from '../../data/digit-centring';
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { ImageTile } from './ImageTile';

/** The canvas's own resolution; the stroke is about as thick, relative to the digit, as MNIST's pen. */
const SIDE = 280;
const STROKE = 22;

export function DrawDigit() {
  const t = useTranslate();
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef(0);
  const lesson = usePlayground((s) => s.lesson);
  const drawing = usePlayground((s) => s.drawing);
  const probabilities = usePlayground((s) => s.drawingProbabilities);
  const setDrawing = usePlayground((s) => s.setDrawing);
  const source = lesson.data;
  const size = source.kind === 'images' ? source.shape[0] : 0;

  // Another dataset (another image size): the drawing is read again at its size.
  useEffect(() => {
    if (drawing && drawing.length !== size * size) send();
  }, [size]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  if (source.kind !== 'images') return null;

  function send(): void {
    const context = canvas.current?.getContext('2d');
    if (!context || size === 0) return;
    const { data } = context.getImageData(0, 0, SIDE, SIDE);
    const ink = new Float32Array(SIDE * SIDE);
    let any = false;
    for (let i = 0; i < ink.length; i++) any = (ink[i] = data[4 * i + 3] / 255) > 0 || any;
    setDrawing(any ? centreDigit(ink, SIDE, size) : null);
  }

  /** At most one classification per animation frame while drawing. */
  function schedule(): void {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      send();
    });
  }

  function point(e: PointerEvent<HTMLCanvasElement>): { x: number; y: number } {
    const box = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * SIDE, y: ((e.clientY - box.top) / box.height) * SIDE };
  }

  function stroke(e: PointerEvent<HTMLCanvasElement>): void {
    const context = canvas.current?.getContext('2d');
    if (!context || !last.current) return;
    const to = point(e);
    context.strokeStyle = '#111';
    context.lineWidth = STROKE;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(last.current.x, last.current.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    last.current = to;
    schedule();
  }

  function clear(): void {
    canvas.current?.getContext('2d')?.clearRect(0, 0, SIDE, SIDE);
    setDrawing(null);
  }

  const names = source.classNames.map((key) => t(key));
  return (
    <figure className="draw-digit">
      <figcaption>{t('images.draw')}</figcaption>
      <p className="column-hint">{t('images.drawHint', { size: `${size}×${size}` })}</p>
      <div className="draw-row">
        <canvas
          ref={canvas}
          width={SIDE}
          height={SIDE}
          className="draw-canvas"
          data-testid="draw-digit"
          aria-label={t('images.draw')}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            last.current = point(e);
            stroke(e);
          }}
          onPointerMove={stroke}
          onPointerUp={() => (last.current = null)}
          onPointerCancel={() => (last.current = null)}
        />
        <div className="draw-side">
          {drawing && drawing.length === size * size && <ImageTile pixels={drawing} width={size} height={size} size={56} label={t('images.seen')} testId="drawn-digit-seen" />}
          <button type="button" className="image-dataset-button" data-testid="clear-drawing" onClick={clear}>
            {t('images.clear')}
          </button>
        </div>
      </div>
      <ol className="digit-probabilities" data-testid="digit-probabilities">
        {names.map((name, c) => {
          const p = probabilities?.[c] ?? 0;
          return (
            <li key={c}>
              <span className="probability-name">{name}</span>
              <span className="probability-bar">
                <span style={{ width: `${p * 100}%` }} />
              </span>
              <span className="probability-value">{probabilities ? `${(p * 100).toFixed(1)}%` : '–'}</span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
