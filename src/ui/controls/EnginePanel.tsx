// The engine panel, opened from the backend badge: how the engine trains (one fused dispatch per step, a
// traced plan, or op by op on the CPU) and what it costs per second, from engineStats() as the trainer
// publishes it about once a second.
import type { EngineDebug } from '../../app/store';
import { usePlayground } from '../../app/store';
import type { MessageKey } from '../../app/i18n';
import { useTranslate } from '../app/use-translate';

const PATH_KEYS: Record<EngineDebug['path'], MessageKey> = {
  fused: 'engine.pathFused',
  plan: 'engine.pathPlan',
  eager: 'engine.pathEager',
};

/** A rate as a short figure: "—" until measured, no decimals past 100. */
function rate(value: number | null): string {
  if (value === null) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

export function EnginePanel() {
  const t = useTranslate();
  const debug = usePlayground((s) => s.debug);
  const rows: [MessageKey, string][] = debug
    ? [
        ['engine.stepsPerSecond', rate(debug.stepsPerSecond)],
        ['engine.framesPerSecond', rate(debug.framesPerSecond)],
        ['engine.dispatchesPerSecond', rate(debug.dispatchesPerSecond)],
        ['engine.submitsPerSecond', rate(debug.submitsPerSecond)],
        ['engine.buffersPerSecond', rate(debug.buffersPerSecond)],
        ['engine.readBackPerSecond', rate(debug.bytesReadBackPerSecond === null ? null : debug.bytesReadBackPerSecond / 1024)],
        ['engine.pipelinesCompiled', String(debug.pipelinesCompiled)],
        [debug.path === 'eager' ? 'engine.cpuMsPerFrame' : 'engine.gpuMsPerFrame', rate(debug.msPerFrame ?? null)],
      ]
    : [];
  return (
    <section className="engine-panel" data-testid="engine-panel" aria-label={t('engine.title')}>
      <h2>{t('engine.title')}</h2>
      {debug ? (
        <>
          <p data-testid="engine-path">{t(PATH_KEYS[debug.path], { dispatches: debug.dispatchesPerStep })}</p>
          <dl>
            {rows.map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd data-testid={key}>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        <p>{t('engine.waiting')}</p>
      )}
    </section>
  );
}
