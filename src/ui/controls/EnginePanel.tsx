// The engine panel, opened from the backend badge: where training runs (the path measured faster, or the
// one the user chose here) with each path's measured rate on the lesson's network, how the engine trains (one fused step, a traced
// plan, or op by op) and what it costs per second, from engineStats() as the trainer publishes it about once
// a second.
import { BACKEND_PREFERENCES, type BackendMeasurement, type BackendPreference, type TrainingPath } from '../../app/backend-choice';
import type { BackendInfo, EngineDebug } from '../../app/store';
import { usePlayground } from '../../app/store';
import type { MessageKey } from '../../app/i18n';
import { useTranslate } from '../app/use-translate';
import { SelectControl } from './SelectControl';

const PATH_KEYS: Record<EngineDebug['path'], MessageKey> = {
  fused: 'engine.pathFused',
  plan: 'engine.pathPlan',
  eager: 'engine.pathEager',
};

const PREFERENCE_KEYS: Record<BackendPreference, MessageKey> = {
  auto: 'engine.backendAuto',
  webgpu: 'engine.backendWebgpu',
  cpu: 'engine.backendCpu',
};

const TRAINING_PATH_KEYS: Record<TrainingPath, MessageKey> = { webgpu: 'engine.backendWebgpu', cpu: 'engine.backendCpu' };

/** A rate as a short figure: "—" until measured, no decimals past 100. */
function rate(value: number | null): string {
  if (value === null) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Why training runs where it does: the user's choice, the measurement, or the only path there is. */
function choiceKey(measured: BackendMeasurement, backend: BackendInfo): MessageKey | null {
  if (measured.preference !== 'auto') return 'engine.choiceUser';
  if (measured.rates.webgpu !== null && measured.rates.cpu !== null) return 'engine.choiceMeasured';
  return backend.preparing ? null : 'engine.choiceOnly';
}

function pathKey(debug: EngineDebug): MessageKey {
  return debug.cpu && debug.path === 'fused' ? 'engine.pathCpuFused' : PATH_KEYS[debug.path];
}

export function EnginePanel() {
  const t = useTranslate();
  const debug = usePlayground((s) => s.debug);
  const backend = usePlayground((s) => s.backend);
  const preference = usePlayground((s) => s.settings.backend);
  const setSetting = usePlayground((s) => s.setSetting);
  const measured = backend.measured;
  const choice = measured && choiceKey(measured, backend);
  const rows: [MessageKey, string][] = debug
    ? [
        ['engine.stepsPerSecond', rate(debug.stepsPerSecond)],
        ['engine.framesPerSecond', rate(debug.framesPerSecond)],
        ['engine.dispatchesPerSecond', rate(debug.dispatchesPerSecond)],
        ['engine.submitsPerSecond', rate(debug.submitsPerSecond)],
        ['engine.buffersPerSecond', rate(debug.buffersPerSecond)],
        ['engine.readBackPerSecond', rate(debug.bytesReadBackPerSecond === null ? null : debug.bytesReadBackPerSecond / 1024)],
        ['engine.pipelinesCompiled', String(debug.pipelinesCompiled)],
        [debug.cpu ? 'engine.cpuMsPerFrame' : 'engine.gpuMsPerFrame', rate(debug.msPerFrame ?? null)],
      ]
    : [];
  return (
    <section className="engine-panel" data-testid="engine-panel" aria-label={t('engine.title')}>
      <h2>{t('engine.title')}</h2>
      <SelectControl
        label={t('engine.backend')}
        value={preference}
        options={BACKEND_PREFERENCES}
        optionLabel={(p) => t(PREFERENCE_KEYS[p])}
        onChange={(p) => setSetting('backend', p)}
        testId="engine-backend"
      />
      {measured && (
        <>
          {choice && <p data-testid="engine-choice">{t(choice, { path: t(TRAINING_PATH_KEYS[measured.choice]) })}</p>}
          {measured.network && (
            <p data-testid="engine-rates">
              {t('engine.measuredRates', {
                parameters: measured.network.parameters.toLocaleString('en-US'),
                batch: measured.network.batchRows,
                webgpu: rate(measured.rates.webgpu),
                cpu: rate(measured.rates.cpu),
              })}
            </p>
          )}
          {measured.measuring && <p data-testid="engine-measuring">{t('engine.measuringNetwork')}</p>}
        </>
      )}
      {debug ? (
        <>
          <p data-testid="engine-path">{t(pathKey(debug), { dispatches: debug.dispatchesPerStep })}</p>
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
