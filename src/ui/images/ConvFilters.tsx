// The first convolution's filters as small images (each scaled to its own range), redrawn as they train.
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { ImageTile } from './ImageTile';

export function ConvFilters() {
  const t = useTranslate();
  const filters = usePlayground((s) => s.imageResults?.filters ?? null);
  const hasConv = usePlayground((s) => !!s.lesson.stack?.some((l) => l.type === 'Conv2D'));
  // A network not built yet (loading, or a stack that cannot be built) has filters to come, not none.
  if (!filters) return hasConv ? null : <p className="column-hint">{t('images.noFilters')}</p>;
  const [kh, kw, channels, count] = filters.shape;
  // Kernel layout [kh, kw, channels, filters]: filter f's weights of channel 0.
  const tiles = Array.from({ length: count }, (_, f) => {
    const pixels = new Float32Array(kh * kw);
    for (let i = 0; i < kh * kw; i++) pixels[i] = filters.values[i * channels * count + f];
    let low = Infinity, high = -Infinity;
    for (const v of pixels) (low = Math.min(low, v)), (high = Math.max(high, v));
    return { pixels, range: [low, high] as [number, number] };
  });
  return (
    <figure className="conv-filters">
      <figcaption>{t('images.filters', { count, size: `${kh}×${kw}` })}</figcaption>
      <div className="filter-grid" data-testid="conv-filters">
        {tiles.map((tile, f) => (
          <ImageTile key={f} pixels={tile.pixels} width={kw} height={kh} size={30} range={tile.range} label={t('images.filter', { index: f + 1 })} />
        ))}
      </div>
    </figure>
  );
}
