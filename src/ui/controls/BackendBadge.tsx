// Which backend trains: "WebGPU · adapter", or "CPU fallback" with the reason WebGPU is not used.
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

export function BackendBadge() {
  const t = useTranslate();
  const backend = usePlayground((s) => s.backend);
  let text: string;
  let detail: string | undefined;
  if (backend.name === 'pending') text = t('backend.pending');
  else if (backend.name === 'webgpu') text = backend.description;
  else {
    text = t('backend.cpuFallback');
    if (backend.fallbackReason) {
      detail = t('backend.reason', { reason: backend.fallbackReason });
      text = `${text} · ${backend.fallbackReason}`;
    }
  }
  return (
    <span className={`backend-badge ${backend.name}`} data-testid="backend" title={detail ?? text}>
      {text}
    </span>
  );
}
