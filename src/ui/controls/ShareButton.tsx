// Copies the link to this exact setup. Where the clipboard is refused, the link is shown to copy by hand.
import { useEffect, useRef, useState } from 'react';
import { playgroundStore } from '../../app/store';
import { shareLink } from '../../app/url-sync';
import { useTranslate } from '../app/use-translate';

export function ShareButton() {
  const t = useTranslate();
  const [copied, setCopied] = useState(false);
  const [manualLink, setManualLink] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  useEffect(() => inputRef.current?.select(), [manualLink]);

  const share = async () => {
    const link = shareLink(playgroundStore.getState().settings, location.href);
    try {
      await navigator.clipboard.writeText(link);
      setManualLink(null);
      setCopied(true);
    } catch {
      setManualLink(link);
    }
  };

  return (
    <span className="share">
      <button type="button" className="header-button" data-testid="share" onClick={share}>
        {copied ? t('controls.shareCopied') : t('controls.share')}
      </button>
      {manualLink !== null && (
        <span className="share-manual">
          <input ref={inputRef} readOnly value={manualLink} aria-label={t('controls.share')} data-testid="share-link" />
          <button type="button" className="dismiss" onClick={() => setManualLink(null)} aria-label={t('notice.dismiss')}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}
