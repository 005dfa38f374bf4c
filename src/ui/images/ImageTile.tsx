// One grey-scale image on a canvas, a device pixel per image pixel, scaled up by CSS without smoothing.
import { useEffect, useRef } from 'react';

export interface ImageTileProps {
  /** Row-major height × width values. */
  pixels: ArrayLike<number>;
  width: number;
  height: number;
  /** Display size in CSS pixels (the longer side). */
  size: number;
  /** The value drawn white and the one drawn black (default 0 → white, 1 → black: ink on paper). */
  range?: [number, number];
  label?: string;
  testId?: string;
}

export function ImageTile({ pixels, width, height, size, range = [0, 1], label, testId }: ImageTileProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    const [low, high] = range;
    const span = high - low || 1;
    for (let i = 0; i < width * height; i++) {
      const shade = 255 - Math.round(255 * Math.min(1, Math.max(0, (pixels[i] - low) / span)));
      image.data.set([shade, shade, shade, 255], 4 * i);
    }
    context.putImageData(image, 0, 0);
  }, [pixels, width, height, range[0], range[1]]);
  const scale = size / Math.max(width, height);
  return (
    <canvas
      ref={ref}
      className="image-tile"
      width={width}
      height={height}
      style={{ width: width * scale, height: height * scale }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
