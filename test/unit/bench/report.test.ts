// The bench's table: best engine per column, the headline ratio, formatting, fractions of the CPU peak.
import { describe, expect, it } from 'vitest';
import { formatRatio, markdownTable, workloadResult, type Results } from '../../../bench/report';
import { ENGINES, type CellResult, type CpuPeak, type EngineId } from '../../../bench/workloads/types';

const peak: CpuPeak = { perThreadGflops: 25, instruction: 'f32x4.relaxed_madd (fused multiply-add)', threads: 2, gflops: 50 };

function cells(values: Partial<Record<EngineId, number>>, notes: Partial<Record<EngineId, string>> = {}): Record<EngineId, CellResult> {
  return Object.fromEntries(ENGINES.map((e) => [e, values[e] !== undefined ? { value: values[e]! } : { value: null, ...(notes[e] ? { note: notes[e] } : {}) }])) as Record<EngineId, CellResult>;
}

describe('bench report', () => {
  it('leads with our best column over the best peer column, jax-js WASM being the better of its two runs', () => {
    const w = workloadResult(
      { id: 'matmul-512', what: '', unit: 'GFLOP/s', flopsPerUnit: 1e9, targets: [{ vs: 'tfjs_webgpu', min: 1 }] },
      cells({ ours_webgpu: 1.5, ours_cpu: 2, jax_webgpu: 2.2, jax_wasm_1t: 25, jax_wasm_mt: 52, tfjs_webgpu: 0.6, tfjs_cpu: 0.9 }, { convnetjs: 'ConvNetJS has no matrix product' }),
      peak,
    );
    expect(w.columns.jax_wasm).toEqual({ value: 52, engine: 'jax_wasm_mt' });
    expect(w.headline).toEqual({ ratio: 2 / 52, ours: 'ours_cpu', peer: 'jax_wasm' });
    expect(w.peakFraction).toEqual({ ours: 2 / 50, peer: 52 / 50 });
    expect(w.checks).toEqual([{ vs: 'tfjs_webgpu', min: 1, ratio: 2.5, met: true }]);

    const table = markdownTable({ adapter: null, browser: 'Chromium', host: { cpu: 'x', cores: 2 }, date: '2026-12-02T00:00:00Z', mode: 'full', budget: { warmupMs: 1, measureMs: 1, minReps: 20, requireLossFall: true }, cpuPeak: peak, workloads: [w] } satisfies Results);
    expect(table).toContain('| matmul-512, GFLOP/s | **0.038×** (ours CPU ÷ jax-js WASM) | 1.50 | 2.00 | — | 2.20 | 52.0 (threads) | — [1] | 0.600 | 0.900 |');
    expect(table).toContain('[1] ConvNetJS has no matrix product');
    expect(table).toContain('| matmul-512 | 4 % (ours CPU) | 100 % (jax-js WASM) |');
  });

  it('has no headline when one side has no value', () => {
    const w = workloadResult({ id: 'x', what: '', unit: 'steps/s', targets: [] }, cells({ tfjs_cpu: 3 }), peak);
    expect(w.headline).toEqual({ ratio: null, ours: null, peer: 'tfjs_cpu' });
    expect(w.peakFraction).toBeUndefined();
  });

  it('writes ratios to two significant figures', () => {
    expect([0.13456, 0.0549, 1, 2.46, 386.3, 1234].map(formatRatio)).toEqual(['0.13×', '0.055×', '1×', '2.5×', '390×', '1,200×']);
    expect(formatRatio(null)).toBe('—');
  });
});
