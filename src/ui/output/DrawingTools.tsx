// Drawing one's own points on the plane: a palette of classes, click to add a point of the chosen class,
// drag to erase; the points live in the link (dataset=drawn&points=…) and download as a CSV.
import { useRef, useState, type ReactElement } from 'react';
import { usePlayground } from '../../app/store';
import { decodeDrawnPoints, drawnPointsCsv, encodeDrawnPoints, MAX_LINK_POINTS } from '../../data/drawn-points';
import type { Point2D } from '../../data/playground-datasets';
import { classColor } from '../heatmap/color-scale';
import { useTranslate } from '../app/use-translate';

/** Plane units the pointer moves before a press erases instead of adding, and the eraser's radius. */
const DRAG_START = 0.25;
const ERASER = 0.6;

export interface Drawing {
  /** For OutputPlot's onPlanePointer. */
  onPlanePointer: (kind: 'down' | 'move' | 'up', x: number, y: number, pressed: boolean) => void;
  tools: ReactElement;
}

export function useDrawing(): Drawing {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const [chosen, setChosen] = useState(0);
  const press = useRef<{ x: number; y: number; erasing: boolean } | null>(null);
  const points = decodeDrawnPoints(settings.points);
  const classes = settings.classes;
  const save = (next: Point2D[]) => setSetting('points', encodeDrawnPoints(next.slice(-MAX_LINK_POINTS)));

  const onPlanePointer: Drawing['onPlanePointer'] = (kind, x, y, pressed) => {
    if (kind === 'down') {
      press.current = { x, y, erasing: false };
      return;
    }
    const start = press.current;
    if (!start) return;
    if (kind === 'move' && pressed) {
      if (!start.erasing && Math.hypot(x - start.x, y - start.y) > DRAG_START) start.erasing = true;
      if (start.erasing) {
        const kept = points.filter((p) => Math.hypot(p.x - x, p.y - y) > ERASER);
        if (kept.length !== points.length) save(kept);
      }
      return;
    }
    if (kind === 'up') {
      if (!start.erasing) save([...points, { x, y, label: Math.min(chosen, classes - 1) }]);
      press.current = null;
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([drawnPointsCsv(points)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'drawn-points.csv';
    a.click();
    URL.revokeObjectURL(url);
  };

  const tools = (
    <div className="drawing-tools" data-testid="drawing-tools">
      <div className="palette" role="radiogroup" aria-label={t('draw.palette')}>
        {Array.from({ length: classes }, (_, c) => (
          <button
            key={c}
            type="button"
            role="radio"
            aria-checked={chosen === c}
            className="palette-swatch"
            style={{ background: classColor(c) }}
            data-testid={`draw-class-${c}`}
            title={t('output.className', { index: c + 1 })}
            aria-label={t('output.className', { index: c + 1 })}
            onClick={() => setChosen(c)}
          />
        ))}
      </div>
      <span className="column-hint">{t('draw.hint', { count: points.length })}</span>
      <button type="button" className="text-button" data-testid="draw-clear" onClick={() => save([])} disabled={points.length === 0}>
        {t('draw.clear')}
      </button>
      <button type="button" className="text-button" data-testid="draw-download" onClick={download} disabled={points.length === 0}>
        {t('draw.download')}
      </button>
    </div>
  );
  return { onPlanePointer, tools };
}
