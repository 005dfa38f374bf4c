// URL hash ⇄ settings, driven by URL_TABLE. Never throws on input: every bad key or value is reported
// in `ignored` and its setting keeps the default. Keys are looked up in a Map, never used to index objects.
import { FEATURE_IDS } from '../data/features';
import { SILENTLY_ACCEPTED_KEYS, URL_TABLE, defaultSettings, type Row, type SettingKey, type Settings } from './url-table';

export interface IgnoredEntry {
  key: string;
  value: string;
  reason: string;
}

export interface ParseResult {
  settings: Settings;
  ignored: IgnoredEntry[];
}

/** Longer hashes are refused whole: no real setting needs more than about 1 kB. */
export const MAX_HASH_LENGTH = 8192;
const MAX_VALUE_LENGTH = 256;
/** Keys and values are echoed in the notice; keep them short. */
const ECHO_LENGTH = 40;

const ROWS: ReadonlyMap<string, Row> = new Map(URL_TABLE.map((row) => [row.key, row]));
const SILENT: ReadonlySet<string> = new Set(SILENTLY_ACCEPTED_KEYS);

const echo = (text: string) => (text.length > ECHO_LENGTH ? `${text.slice(0, ECHO_LENGTH)}…` : text);

type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parse one URL value for its row. */
function parseValue(row: Row, raw: string): Checked {
  switch (row.type) {
    case 'enum':
      return row.values.includes(raw) ? { ok: true, value: raw } : { ok: false, reason: `expected one of ${row.values.join(', ')}` };
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { ok: true, value: raw === 'true' } : { ok: false, reason: 'expected true or false' };
    case 'string': {
      if (!row.pattern.test(raw)) return { ok: false, reason: `expected ${row.expected}` };
      const problem = row.validate?.(raw) ?? null;
      return problem === null ? { ok: true, value: raw } : { ok: false, reason: problem };
    }
    case 'choice': {
      const n = parseNumber(raw);
      return n !== null && row.values.includes(n) ? { ok: true, value: n } : { ok: false, reason: `expected one of ${row.values.join(', ')}` };
    }
    case 'number': {
      const n = parseNumber(raw);
      const ok = n !== null && n >= row.min && n <= row.max && (!row.integer || Number.isInteger(n));
      return ok ? { ok: true, value: n } : { ok: false, reason: `expected ${row.integer ? 'an integer' : 'a number'} in [${row.min}, ${row.max}]` };
    }
    case 'array': {
      const reason = `expected up to ${row.maxLength} comma-separated ${row.integer ? 'integers' : 'numbers'} in [${row.min}, ${row.max}]`;
      if (raw === '') return { ok: true, value: [] };
      const parts = raw.split(',');
      if (parts.length > row.maxLength) return { ok: false, reason };
      const values = parts.map(parseNumber);
      const ok = values.every((n) => n !== null && (!row.integer || Number.isInteger(n)) && n >= row.min && n <= row.max);
      return ok ? { ok: true, value: values } : { ok: false, reason };
    }
    case 'list': {
      const reason = `expected up to ${row.maxLength} comma-separated names from ${row.values.join(', ')}`;
      if (raw === '') return { ok: true, value: [] };
      const parts = raw.split(',');
      const ok = parts.length <= row.maxLength && parts.every((p) => row.values.includes(p));
      return ok ? { ok: true, value: parts } : { ok: false, reason };
    }
  }
}

/** A plain decimal number ("0.03", "1e-5", "10"), or null: no hex, no empty string, no Infinity/NaN. */
function parseNumber(raw: string): number | null {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Validate a value for a setting (the store uses this for values coming from the UI). */
export function checkSetting(key: SettingKey, value: unknown): string | null {
  const row = ROWS.get(key);
  if (!row) return `unknown setting "${key}"`;
  const parsed = parseValue(row, formatValue(row, value));
  return parsed.ok ? null : parsed.reason;
}

function formatValue(row: Row, value: unknown): string {
  if (row.type === 'array' || row.type === 'list') return Array.isArray(value) ? value.join(',') : String(value);
  return String(value);
}

/** Parse a location hash ("#a=1&b=2" or "a=1&b=2"). `seed` is used when the hash has none (a fresh one per visit). */
export function parseHash(hash: string, options: { seed?: string } = {}): ParseResult {
  const settings = defaultSettings();
  if (options.seed !== undefined) settings.seed = options.seed;
  const ignored: IgnoredEntry[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.length > MAX_HASH_LENGTH) {
    ignored.push({ key: '#', value: `${text.length} characters`, reason: `longer than ${MAX_HASH_LENGTH} characters: ignored whole` });
    return { settings, ignored };
  }
  const accepted = new Map<string, unknown>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    if (key === null || value === null) {
      ignored.push({ key: echo(rawKey), value: echo(rawValue), reason: 'broken percent-encoding' });
      continue;
    }
    if (SILENT.has(key)) continue;
    const row = ROWS.get(key);
    if (!row) {
      ignored.push({ key: echo(key), value: echo(value), reason: 'unknown setting' });
      continue;
    }
    if (accepted.has(key)) {
      ignored.push({ key, value: echo(value), reason: 'given twice: the first is kept' });
      continue;
    }
    const maxLength = (row.type === 'string' && row.maxLength) || MAX_VALUE_LENGTH;
    if (value.length > maxLength) {
      ignored.push({ key, value: echo(value), reason: `longer than ${maxLength} characters` });
      continue;
    }
    const parsed = parseValue(row, value);
    if (parsed.ok) accepted.set(key, parsed.value);
    else ignored.push({ key, value: echo(value), reason: parsed.reason });
  }
  const out = settings as Record<SettingKey, unknown>;
  for (const row of URL_TABLE) if (accepted.has(row.key)) out[row.key] = accepted.get(row.key);
  // The one rule across keys: a network needs an input. All features off → the default features.
  if (!FEATURE_IDS.some((id) => settings[id])) {
    const defaults = defaultSettings();
    for (const id of FEATURE_IDS) settings[id] = defaults[id];
    ignored.push({ key: FEATURE_IDS.join(', '), value: 'false', reason: 'at least one input feature is needed' });
  }
  return { settings, ignored };
}

function decode(text: string): string | null {
  try {
    // TensorFlow Playground never encodes "+" as space, so neither do we.
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Canonical hash (with "#") in table order: every TensorFlow Playground key (as it writes them all), then
 * the lesson keys whose value differs from the default.
 */
export function serializeHash(settings: Settings): string {
  const values = settings as Record<SettingKey, unknown>;
  const parts = URL_TABLE.flatMap((row) => {
    const text = formatValue(row, values[row.key]);
    return row.tfp || text !== formatValue(row, row.default) ? [`${row.key}=${encodeValue(text)}`] : [];
  });
  return `#${parts.join('&')}`;
}

// Keep ",", "." and "-" readable as TensorFlow Playground writes them; escape anything else unusual.
function encodeValue(text: string): string {
  return encodeURIComponent(text).replace(/%2C/g, ',');
}
