// Every layer's output for the inspected test image: a convolution's or pooling's channels as small images,
// a flat layer's units as one strip; with each layer's activation statistics (mean, largest, share at zero).
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { ImageTile } from './ImageTile';

/** Channels drawn per layer (the rest are counted in the statistics). */
const MAX_CHANNELS = 16;

function channel(values: Float32Array, [h, w, c]: number[], k: number): Float32Array {
  return Float32Array.from({ length: h * w }, (_, i) => values[i * c + k]);
}

export function FeatureMapsView() {
  const t = useTranslate();
  const maps = usePlayground((s) => s.featureMaps);
  const inspected = usePlayground((s) => s.inspected);
  if (!maps) return null;
  return (
    <figure className="feature-maps" data-testid="feature-maps">
      <figcaption>{t('images.featureMaps', { index: inspected + 1 })}</figcaption>
      {maps.map((layer) => {
        let sum = 0, peak = -Infinity, low = Infinity, zeros = 0;
        for (const v of layer.values) (sum += v), (peak = Math.max(peak, v)), (low = Math.min(low, v)), (zeros += v === 0 ? 1 : 0);
        const range: [number, number] = [Math.min(0, low), peak > low ? peak : low + 1];
        const spatial = layer.shape.length === 3;
        return (
          <div key={layer.name} className="feature-layer">
            <div className="feature-layer-title">
              {layer.type} {layer.shape.join('×')}
              <span className="feature-stats">
                {t('images.stats', { mean: (sum / layer.values.length).toFixed(3), max: peak.toFixed(3), zeros: Math.round((100 * zeros) / layer.values.length) })}
              </span>
            </div>
            <div className="filter-grid">
              {spatial ? (
                Array.from({ length: Math.min(MAX_CHANNELS, layer.shape[2]) }, (_, k) => (
                  <ImageTile key={k} pixels={channel(layer.values, layer.shape, k)} width={layer.shape[1]} height={layer.shape[0]} size={36} range={range} label={`${layer.name} ${k + 1}`} />
                ))
              ) : (
                <ImageTile pixels={layer.values} width={layer.values.length} height={1} size={Math.min(300, layer.values.length * 6)} range={range} label={layer.name} />
              )}
            </div>
          </div>
        );
      })}
    </figure>
  );
}
