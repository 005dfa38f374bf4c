// Which backend trains: "WebGPU · adapter", or "CPU fallback" with the reason WebGPU is not used. A click
// opens the engine panel.
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

export function BackendBadge() {
  const t = useTranslate();
  const backend = usePlayground((s) => s.backend);
  const debugOpen = usePlayground((s) => s.debugOpen);
  const toggleDebug = usePlayground((s) => s.toggleDebug);
  let text: string;
  let detail: string | undefined;
  if (backend.name === 'pending') text = t('backend.pending');
  else if (backend.name === 'webgpu') text = backend.description;
  else if (backend.preparing && !backend.fallbackReason) text = t('backend.cpuWhileStarting');
  // On the CPU by the measurement or by the user's choice, with WebGPU there to take over.
  else if (!backend.fallbackReason && backend.measured) text = t(backend.measured.preference === 'cpu' ? 'backend.cpuChosen' : 'backend.cpuMeasured');
  else {
    text = t('backend.cpuFallback');
    if (backend.fallbackReason) {
      detail = t('backend.reason', { reason: backend.fallbackReason });
      text = `${text} · ${backend.fallbackReason}`;
    }
  }
  return (
    <button
      type="button"
      className={`backend-badge ${backend.name}`}
      data-testid="backend"
      title={`${detail ?? text} — ${t('backend.toggleEngine')}`}
      aria-expanded={debugOpen}
      onClick={toggleDebug}
    >
      {text}
    </button>
  );
}
