// Under each hidden layer: its own activation, dropout and regularization (or "as all", the global choice).
// The URL lists hold one entry per layer up to the last one set; trailing defaults are dropped.
import { usePlayground } from '../../app/store';
import { LAYER_ACTIVATIONS, LAYER_REGULARIZATIONS, type Settings } from '../../app/url-table';
import { useTranslate } from '../app/use-translate';

export const LAYER_OPTIONS_HEIGHT = 84;
const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5];

/** `list` with entry `index` set, shorter entries filled with `fill`, trailing `fill`s dropped. */
export function setEntry<T>(list: readonly T[], index: number, value: T, fill: T): T[] {
  const out = Array.from({ length: Math.max(list.length, index + 1) }, (_, i) => (i === index ? value : (list[i] ?? fill)));
  while (out.length > 0 && out[out.length - 1] === fill) out.pop();
  return out;
}

/** `width`: room for the selects, less than the distance between layer columns. */
export function LayerOptions({ layer, left, top, width }: { layer: number; left: number; top: number; width: number }) {
  const t = useTranslate();
  const settings = usePlayground((s) => s.settings);
  const setSetting = usePlayground((s) => s.setSetting);
  const set = <K extends 'layerActivations' | 'dropout' | 'layerRegularization'>(key: K, value: Settings[K]) => setSetting(key, value);
  const name = { layer: layer + 1 };
  const dropout = settings.dropout[layer] ?? 0;

  return (
    <div className="layer-options" style={{ position: 'absolute', left, top, width, transform: 'translateX(-50%)' }}>
      <select
        aria-label={t('network.layerActivation', name)}
        title={t('network.layerActivation', name)}
        data-testid={`layer-activation-${layer}`}
        value={settings.layerActivations[layer] ?? 'global'}
        onChange={(e) => set('layerActivations', setEntry(settings.layerActivations, layer, e.target.value as Settings['layerActivations'][number], 'global'))}
      >
        {LAYER_ACTIVATIONS.map((a) => (
          <option key={a} value={a}>
            {a === 'global' ? t('layer.global') : t(`activation.${a}`)}
          </option>
        ))}
      </select>
      <select
        aria-label={t('network.layerDropout', name)}
        title={t('network.layerDropout', name)}
        data-testid={`layer-dropout-${layer}`}
        value={String(dropout)}
        onChange={(e) => set('dropout', setEntry(settings.dropout, layer, Number(e.target.value), 0))}
      >
        {(DROPOUTS.includes(dropout) ? DROPOUTS : [...DROPOUTS, dropout]).map((d) => (
          <option key={d} value={String(d)}>
            {d === 0 ? t('layer.noDropout') : `${t('controls.dropout')} ${d}`}
          </option>
        ))}
      </select>
      <select
        aria-label={t('network.layerRegularization', name)}
        title={t('network.layerRegularization', name)}
        data-testid={`layer-regularization-${layer}`}
        value={settings.layerRegularization[layer] ?? 'global'}
        onChange={(e) => set('layerRegularization', setEntry(settings.layerRegularization, layer, e.target.value as Settings['layerRegularization'][number], 'global'))}
      >
        {LAYER_REGULARIZATIONS.map((r) => (
          <option key={r} value={r}>
            {r === 'global' ? t('layer.global') : t(`regularization.${r}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
