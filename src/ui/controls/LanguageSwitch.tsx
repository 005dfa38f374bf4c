// EN / ES. The page's `lang` follows, so screen readers pronounce it right.
import { useEffect } from 'react';
import { LOCALES } from '../../app/i18n';
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

export function LanguageSwitch() {
  const t = useTranslate();
  const locale = usePlayground((s) => s.locale);
  const setLocale = usePlayground((s) => s.setLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <div className="language-switch" role="group" aria-label={t('controls.language')} data-testid="language">
      {LOCALES.map((l) => (
        <button key={l} type="button" aria-pressed={l === locale} onClick={() => setLocale(l)} data-testid={`language-${l}`}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
