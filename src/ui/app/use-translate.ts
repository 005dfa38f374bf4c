// The translator for the store's current locale; every visible string goes through it.
import { useCallback } from 'react';
import { translate, type MessageKey } from '../../app/i18n';
import { usePlayground } from '../../app/store';

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export function useTranslate(): Translate {
  const locale = usePlayground((s) => s.locale);
  return useCallback<Translate>((key, params) => translate(locale, key, params), [locale]);
}
