// Draws a square Float32Array grid onto a <canvas> through one reusable ImageData: values in [−1, 1] on the
// diverging scale, probabilities in [0, 1] on the same scale (0.5 neutral), or several outputs as a class map.
import { useEffect, useRef, type CSSProperties } from 'react';
import { COLOR_LUT, lutIndex, paintClassMap } from './color-scale';

/** How the grid's values read: signed in [−1, 1], a probability, or `units` outputs per point coloured by class. */
export type HeatmapMode = 'signed' | 'probability' | { units: number; span: number };

export interface HeatmapCanvasProps {
  /** Row-major values, `resolution` × `resolution`, first row drawn at the top. Missing: neutral grey. */
  grid: Float32Array | undefined;
  resolution: number;
  discretize?: boolean;
  className?: string;
  style?: CSSProperties;
  /** Accessible name; heatmaps are images to screen readers. */
  label?: string;
  mode?: HeatmapMode;
}

export function HeatmapCanvas({ grid, resolution, discretize = false, className, style, label, mode = 'signed' }: HeatmapCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const imageRef = useRef<ImageData | null>(null);
  // A class-map mode is a fresh object each render; redraw only when what it says changes.
  const modeKey = typeof mode === 'object' ? `${mode.units}/${mode.span}` : mode;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let image = imageRef.current;
    if (!image || image.width !== resolution) {
      image = ctx.createImageData(resolution, resolution);
      imageRef.current = image;
    }
    const pixels = new Uint32Array(image.data.buffer);
    const count = resolution * resolution;
    const units = typeof mode === 'object' ? mode.units : 1;
    if (grid && grid.length >= count * units) {
      if (typeof mode === 'object') paintClassMap(pixels, grid, mode.units, count, mode.span, discretize);
      else if (mode === 'probability') for (let i = 0; i < count; i++) pixels[i] = COLOR_LUT[lutIndex(2 * grid[i] - 1, discretize)];
      else for (let i = 0; i < count; i++) pixels[i] = COLOR_LUT[lutIndex(grid[i], discretize)];
    } else {
      pixels.fill(COLOR_LUT[lutIndex(0, false)]);
    }
    ctx.putImageData(image, 0, 0);
  }, [grid, resolution, discretize, modeKey]);

  return (
    <canvas
      ref={canvasRef}
      className={className}
      style={style}
      width={resolution}
      height={resolution}
      role="img"
      aria-label={label}
    />
  );
}
