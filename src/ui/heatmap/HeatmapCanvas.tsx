// Draws a square Float32Array grid of values in [−1, 1] onto a <canvas> through one reusable ImageData.
import { useEffect, useRef, type CSSProperties } from 'react';
import { COLOR_LUT, lutIndex } from './color-scale';

export interface HeatmapCanvasProps {
  /** Row-major values, `resolution` × `resolution`, first row drawn at the top. Missing: neutral grey. */
  grid: Float32Array | undefined;
  resolution: number;
  discretize?: boolean;
  className?: string;
  style?: CSSProperties;
  /** Accessible name; heatmaps are images to screen readers. */
  label?: string;
}

export function HeatmapCanvas({ grid, resolution, discretize = false, className, style, label }: HeatmapCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const imageRef = useRef<ImageData | null>(null);

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
    if (grid && grid.length >= count) {
      for (let i = 0; i < count; i++) pixels[i] = COLOR_LUT[lutIndex(grid[i], discretize)];
    } else {
      pixels.fill(COLOR_LUT[lutIndex(0, false)]);
    }
    ctx.putImageData(image, 0, 0);
  }, [grid, resolution, discretize]);

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
