// A small picture of a dataset, drawn once from its generator (fixed seed, no noise), to pick it by sight.
import { useEffect, useRef } from 'react';
import { generateDataset, MULTICLASS_DATASETS, PLANE_RADIUS, type DatasetName } from '../../data/playground-datasets';
import { classColor, valueColor } from '../heatmap/color-scale';

const SIZE = 120;
const THUMBNAIL_SEED = 7;
const THUMBNAIL_POINTS = 240;

export interface DatasetThumbnailProps {
  name: DatasetName;
  label: string;
  selected: boolean;
  onSelect: () => void;
  /** Classes of a multi-class set. */
  classes?: number;
}

export function DatasetThumbnail({ name, label, selected, onSelect, classes = 3 }: DatasetThumbnailProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#f7f8f8';
    ctx.fillRect(0, 0, SIZE, SIZE);
    const scale = SIZE / (2 * PLANE_RADIUS);
    const multiclass = (MULTICLASS_DATASETS as readonly string[]).includes(name);
    for (const p of generateDataset(name, { noise: 0, seed: THUMBNAIL_SEED, numSamples: THUMBNAIL_POINTS, classes })) {
      ctx.fillStyle = multiclass ? classColor(p.label) : valueColor(p.label);
      ctx.beginPath();
      ctx.arc((p.x + PLANE_RADIUS) * scale, (PLANE_RADIUS - p.y) * scale, 2.6, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [name, classes]);

  return (
    <button type="button" className="dataset-thumb" aria-pressed={selected} onClick={onSelect} title={label} aria-label={label} data-testid={`dataset-${name}`}>
      <canvas ref={canvasRef} width={SIZE} height={SIZE} />
    </button>
  );
}
