// Turn the page's measurements into bench/results.json's shape and a Markdown table.
import { ENGINES, type AdapterDescription, type CellResult, type EngineId, type StepStats, type Target, type WorkloadListing } from './workloads/types';

export interface TargetCheck extends Target {
  ratio: number | null;
  met: boolean | null;
}

export interface WorkloadResult extends WorkloadListing, Record<EngineId, number | null> {
  ratios: {
    ours_webgpu_vs_tfjs_webgpu: number | null;
    ours_webgpu_vs_tfjs_cpu: number | null;
    ours_cpu_vs_tfjs_cpu: number | null;
  };
  checks: TargetCheck[];
  /** Why a cell is null, per engine. */
  notes: Partial<Record<EngineId, string>>;
  how: Partial<Record<EngineId, string>>;
  /** Our engine's counters per training step (mlp-playground), from engineStats(). */
  step_stats?: Partial<Record<'ours_webgpu' | 'ours_cpu', StepStats>>;
}

export interface Results {
  adapter: AdapterDescription | null;
  browser: string;
  host: { cpu: string; cores: number };
  date: string;
  mode: 'full' | 'quick';
  budget: { warmupMs: number; measureMs: number };
  workloads: WorkloadResult[];
}

const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);

export function workloadResult(w: WorkloadListing, cells: Record<EngineId, CellResult>): WorkloadResult {
  const value = (e: EngineId): number | null => cells[e].value;
  const notes: Partial<Record<EngineId, string>> = {};
  const how: Partial<Record<EngineId, string>> = {};
  for (const e of ENGINES) {
    if (cells[e].note) notes[e] = cells[e].note;
    if (cells[e].how) how[e] = cells[e].how;
  }
  const checks = w.targets.map((t) => {
    const r = ratio(value('ours_webgpu'), value(t.vs));
    return { ...t, ratio: r, met: r === null ? null : r >= t.min };
  });
  return {
    ...w,
    ours_webgpu: value('ours_webgpu'),
    ours_cpu: value('ours_cpu'),
    tfjs_webgpu: value('tfjs_webgpu'),
    tfjs_cpu: value('tfjs_cpu'),
    ratios: {
      ours_webgpu_vs_tfjs_webgpu: ratio(value('ours_webgpu'), value('tfjs_webgpu')),
      ours_webgpu_vs_tfjs_cpu: ratio(value('ours_webgpu'), value('tfjs_cpu')),
      ours_cpu_vs_tfjs_cpu: ratio(value('ours_cpu'), value('tfjs_cpu')),
    },
    checks,
    notes,
    how,
    ...(cells.ours_webgpu.stats || cells.ours_cpu.stats
      ? { step_stats: { ...(cells.ours_webgpu.stats ? { ours_webgpu: cells.ours_webgpu.stats } : {}), ...(cells.ours_cpu.stats ? { ours_cpu: cells.ours_cpu.stats } : {}) } }
      : {}),
  };
}

/** Three significant digits, thousands separated: 1,250 · 7.31 · 0.0123. */
export function formatNumber(v: number | null): string {
  if (v === null) return '—';
  if (v === 0 || !Number.isFinite(v)) return String(v);
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

const formatRatio = (r: number | null): string => (r === null ? '—' : `${formatNumber(r)}×`);

export function adapterLabel(a: AdapterDescription | null): string {
  if (!a) return 'no WebGPU adapter';
  return [a.vendor, a.architecture, a.device, a.description].filter((s) => s).join(' · ');
}

export function markdownTable(r: Results): string {
  const lines = [
    `Adapter: ${adapterLabel(r.adapter)} · ${r.browser} · ${r.host.cpu} (${r.host.cores} cores) · ${r.date.slice(0, 10)}${r.mode === 'quick' ? ' · QUICK RUN (not representative)' : ''}`,
    '',
    '| workload | unit | ours WebGPU | ours CPU | tfjs WebGPU | tfjs CPU | ours WebGPU ÷ tfjs WebGPU (target) | ours WebGPU ÷ tfjs CPU |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const footnotes: string[] = [];
  const cell = (w: WorkloadResult, e: EngineId): string => {
    const note = w.notes[e];
    if (w[e] !== null || !note) return formatNumber(w[e]);
    footnotes.push(`${w.id} · ${e}: ${note}`);
    return `— [${footnotes.length}]`;
  };
  for (const w of r.workloads) {
    const target = (vs: Target['vs']): string => {
      const c = w.checks.find((t) => t.vs === vs);
      return c ? ` (≥ ${c.min}× ${c.met === null ? '?' : c.met ? 'met' : 'MISSED'})` : '';
    };
    lines.push(
      `| ${w.id} | ${w.unit} | ${ENGINES.map((e) => cell(w, e)).join(' | ')} | ` +
        `${formatRatio(w.ratios.ours_webgpu_vs_tfjs_webgpu)}${target('tfjs_webgpu')} | ${formatRatio(w.ratios.ours_webgpu_vs_tfjs_cpu)}${target('tfjs_cpu')} |`,
    );
  }
  if (footnotes.length) lines.push('', ...footnotes.map((f, i) => `[${i + 1}] ${f}`));
  for (const w of r.workloads) {
    for (const [engine, s] of Object.entries(w.step_stats ?? {})) {
      lines.push(
        '',
        `${w.id} · ${engine}, per training step after warm-up: ${formatNumber(s.dispatches)} dispatches, ${formatNumber(s.submits)} submits, ` +
          `${formatNumber(s.buffersCreated)} buffers created, ${formatNumber(s.bytesReadBack)} bytes read back, ` +
          `${formatNumber(s.pipelinesCompiled)} pipelines compiled (one readback every ${s.stepsPerReadback} steps).`,
      );
    }
  }
  return lines.join('\n');
}
