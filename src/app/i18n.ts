// Translation lookup. Strings are plain text: views render them as text nodes, never as HTML.
import { en, type MessageKey } from './i18n/en';
import { es } from './i18n/es';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };

const TABLES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, es };

/** The message for `key` in `locale`, with each {name} replaced by params[name]. */
export function translate(locale: Locale, key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = TABLES[locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The preferred supported locale among the browser's languages (English when none matches). */
export function pickLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    const match = LOCALES.find((l) => l === base);
    if (match) return match;
  }
  return 'en';
}
