// Turn the page's measurements into bench/results.json's shape and a Markdown table.
import {
  COLUMN_LABELS,
  COLUMNS,
  ENGINE_INFO,
  ENGINES,
  isOurs,
  type AdapterDescription,
  type Budget,
  type CellResult,
  type ColumnId,
  type CpuPeak,
  type EngineId,
  type Target,
  type WorkloadListing,
} from './workloads/types';

export interface TargetCheck extends Target {
  ratio: number | null;
  met: boolean | null;
}

/** A table column's value: the better of its engines (ours and jax-js WASM: one thread or worker threads). */
export interface ColumnValue {
  value: number | null;
  engine: EngineId | null;
}

export interface WorkloadResult extends WorkloadListing {
  /** Everything each engine's cell reported: value, how, repetitions, the sanity check, or why it is empty. */
  cells: Record<EngineId, CellResult>;
  columns: Record<ColumnId, ColumnValue>;
  /** Our best column ÷ the best peer column: the headline. */
  headline: { ratio: number | null; ours: ColumnId | null; peer: ColumnId | null };
  /** Targets earlier issues set (ours WebGPU ÷ a peer column). */
  checks: TargetCheck[];
  /** Workloads with flopsPerUnit: the best values as a fraction of the CPU's float32 peak. */
  peakFraction?: { ours: number | null; peer: number | null };
}

export interface Results {
  adapter: AdapterDescription | null;
  browser: string;
  host: { cpu: string; cores: number };
  date: string;
  mode: 'full' | 'quick';
  budget: Budget;
  cpuPeak: CpuPeak;
  workloads: WorkloadResult[];
}

const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);

function best(columns: Record<ColumnId, ColumnValue>, ours: boolean): ColumnId | null {
  let found: ColumnId | null = null;
  for (const c of COLUMNS) {
    const v = columns[c].value;
    if (isOurs(c) === ours && v !== null && (found === null || v > columns[found].value!)) found = c;
  }
  return found;
}

export function workloadResult(w: WorkloadListing, cells: Record<EngineId, CellResult>, cpuPeak: CpuPeak): WorkloadResult {
  const columns = Object.fromEntries(COLUMNS.map((c) => [c, { value: null, engine: null }])) as Record<ColumnId, ColumnValue>;
  for (const e of ENGINES) {
    const col = columns[ENGINE_INFO[e].column];
    const v = cells[e]?.value ?? null;
    if (v !== null && (col.value === null || v > col.value)) Object.assign(col, { value: v, engine: e });
  }
  const [ours, peer] = [best(columns, true), best(columns, false)];
  const value = (c: ColumnId | null): number | null => (c === null ? null : columns[c].value);
  const checks = w.targets.map((t) => {
    const r = ratio(columns.ours_webgpu.value, columns[t.vs].value);
    return { ...t, ratio: r, met: r === null ? null : r >= t.min };
  });
  const fraction = (c: ColumnId | null): number | null => (c === null || !w.flopsPerUnit ? null : (value(c)! * w.flopsPerUnit) / (cpuPeak.gflops * 1e9));
  return {
    ...w,
    cells,
    columns,
    headline: { ratio: ratio(value(ours), value(peer)), ours, peer },
    checks,
    ...(w.flopsPerUnit ? { peakFraction: { ours: fraction(ours), peer: fraction(peer) } } : {}),
  };
}

/** Three significant digits, thousands separated: 1,250 · 7.31 · 0.0123. */
export function formatNumber(v: number | null): string {
  if (v === null) return '—';
  if (v === 0 || !Number.isFinite(v)) return String(v);
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

/** Ratios to two significant digits: 0.14× · 2.5× · 390×. */
export function formatRatio(r: number | null): string {
  if (r === null) return '—';
  return `${Number(r.toPrecision(2)).toLocaleString('en-US', { maximumSignificantDigits: 2 })}×`;
}

const percent = (f: number | null): string => (f === null ? '—' : `${Number((100 * f).toPrecision(2))} %`);

export function adapterLabel(a: AdapterDescription | null): string {
  if (!a) return 'no WebGPU adapter';
  return [a.vendor, a.architecture, a.device, a.description].filter((s) => s).join(' · ');
}

export function markdownTable(r: Results): string {
  const lines = [
    `Adapter: ${adapterLabel(r.adapter)} · ${r.browser} · ${r.host.cpu} (${r.host.cores} cores) · ${r.date.slice(0, 10)}${r.mode === 'quick' ? ' · QUICK RUN (not representative)' : ''}`,
    '',
    `| workload | ours best ÷ best peer | ${COLUMNS.map((c) => COLUMN_LABELS[c]).join(' | ')} |`,
    `|---|---:|${COLUMNS.map(() => '---:').join('|')}|`,
  ];
  const footnotes: string[] = [];
  const footnote = (text: string): string => {
    const at = footnotes.indexOf(text);
    return `[${at >= 0 ? at + 1 : footnotes.push(text)}]`;
  };
  const cell = (w: WorkloadResult, c: ColumnId): string => {
    const { value, engine } = w.columns[c];
    if (value !== null) return `${formatNumber(value)}${engine && ENGINE_INFO[engine].column !== engine ? ` (${engine.endsWith('_1t') ? '1 thread' : 'threads'})` : ''}`;
    const notes = ENGINES.filter((e) => ENGINE_INFO[e].column === c && w.cells[e]?.note).map((e) => w.cells[e].note!);
    return notes.length ? `— ${footnote(notes[0])}` : '—';
  };
  for (const w of r.workloads) {
    const h = w.headline;
    const headline = h.ratio === null ? '—' : `**${formatRatio(h.ratio)}** (${COLUMN_LABELS[h.ours!]} ÷ ${COLUMN_LABELS[h.peer!]})`;
    lines.push(`| ${w.id}, ${w.unit} | ${headline} | ${COLUMNS.map((c) => cell(w, c)).join(' | ')} |`);
  }
  if (footnotes.length) lines.push('', ...footnotes.map((f, i) => `[${i + 1}] ${f}`));
  const p = r.cpuPeak;
  const peakRows = r.workloads.filter((w) => w.peakFraction);
  if (peakRows.length) {
    lines.push(
      '',
      `CPU float32 peak: ${formatNumber(p.gflops)} GFLOP/s = ${formatNumber(p.perThreadGflops)} GFLOP/s measured on one thread (a WebAssembly loop of independent ${p.instruction}, best of several runs) × ${p.threads} threads (navigator.hardwareConcurrency).`,
      '',
      '| workload | ours best, fraction of peak | best peer, fraction of peak |',
      '|---|---:|---:|',
      ...peakRows.map((w) => `| ${w.id} | ${percent(w.peakFraction!.ours)} (${w.headline.ours ? COLUMN_LABELS[w.headline.ours] : '—'}) | ${percent(w.peakFraction!.peer)} (${w.headline.peer ? COLUMN_LABELS[w.headline.peer] : '—'}) |`),
    );
  }
  const targets = r.workloads.flatMap((w) => w.checks.map((t) => `${w.id}: ours WebGPU ÷ ${COLUMN_LABELS[t.vs]} ${formatRatio(t.ratio)} (≥ ${t.min}× ${t.met === null ? '?' : t.met ? 'met' : 'missed'})`));
  if (targets.length) lines.push('', `Earlier targets: ${targets.join('; ')}.`);
  for (const w of r.workloads) {
    for (const e of ['ours_webgpu', 'ours_cpu'] as const) {
      const s = w.cells[e]?.stats;
      if (!s) continue;
      lines.push(
        '',
        `${w.id} · ${e}, per training step after warm-up: ${formatNumber(s.dispatches)} dispatches, ${formatNumber(s.submits)} submits, ` +
          `${formatNumber(s.buffersCreated)} buffers created, ${formatNumber(s.bytesReadBack)} bytes read back, ` +
          `${formatNumber(s.pipelinesCompiled)} pipelines compiled (one readback every ${s.stepsPerReadback} steps).`,
      );
    }
  }
  return lines.join('\n');
}
