// `npm run bench [-- --quick] [-- --only id,id]`: build the bench page (the second Vite input) with the app's
// Vite config, serve it with `vite preview`, open it in headless Chromium twice (cross-origin isolated and
// plain), measure every workload on every engine, write bench/results.json (quick or --only:
// results.quick.json) and print the table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, loadConfigFromFile, preview, type InlineConfig } from 'vite';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser';
import { crossOriginIsolation } from '../test/e2e/cross-origin-isolation';
import { markdownTable, workloadResult, type Results } from './report';
import { ENGINE_INFO, ENGINES, type BenchApi, type Budget, type CellResult, type EngineId } from './workloads/types';

declare global {
  interface Window {
    bench: BenchApi;
  }
}

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
// Full: at least 2.5 s and 20 repetitions per cell after a second of warm-up, and the loss must fall.
// Quick only checks that everything runs (CI): a few steps cannot show a loss falling.
const budget: Budget = args.quick ? { warmupMs: 0, measureMs: 300, minReps: 1, requireLossFall: false } : { warmupMs: 1000, measureMs: 2500, minReps: 20, requireLossFall: true };
const PEAK_MS = args.quick ? 200 : 2000;
// Only a full run of every workload replaces the committed results.json.
const outFile = new URL(args.quick || args.only ? './results.quick.json' : './results.json', import.meta.url);

// Only the bench input, into a temporary folder: the bench neither depends on the app page building
// nor overwrites the dist/ that browser tests may be serving at the same time.
const outDir = mkdtempSync(join(tmpdir(), 'bench-dist-'));
console.log('building the bench page…');
const app = (await loadConfigFromFile({ command: 'build', mode: 'production' }))?.config ?? {};
const config: InlineConfig = {
  ...app,
  configFile: false,
  plugins: [...(app.plugins ?? []), crossOriginIsolation],
  // Build warnings (chunk sizes, Node-only modules of src/data left out of the browser build) are not the bench's concern.
  logLevel: 'error',
  // TensorFlow.js alone is a multi-megabyte chunk; that is expected here.
  build: { ...app.build, outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000, rollupOptions: { ...app.build?.rollupOptions, input: { bench: 'bench/index.html' } } },
};
await build(config);
const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
const baseUrl = server.resolvedUrls?.local[0];
if (!baseUrl) throw new Error('vite preview did not report a local URL');
const browser = await launchBrowser();

// Errors and warnings the page reports while a cell runs. Chromium reports WebGPU validation errors
// (a destroyed buffer, a bad binding) as console warnings, and work that failed validation did not run,
// so a cell with any of them is invalid rather than fast.
let cellProblems: string[] = [];
const MAX_PRINTED = 3;

function problem(text: string): void {
  cellProblems.push(text);
  if (cellProblems.length <= MAX_PRINTED) console.error(`  page ${text.split('\n')[0]}`);
}

type PageKind = 'isolated' | 'plain';

async function openBenchPage(kind: PageKind): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => problem(`error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problem(`${m.type()}: ${m.text()}`);
  });
  await page.goto(new URL(`bench/index.html${kind === 'isolated' ? '?isolated' : ''}`, baseUrl).href);
  await page.waitForFunction(() => 'bench' in window);
  const isolated = await page.evaluate(() => window.bench.crossOriginIsolated());
  if (isolated !== (kind === 'isolated')) throw new Error(`the ${kind} bench page reports crossOriginIsolated = ${isolated}: check the COOP/COEP headers`);
  return page;
}

try {
  const pages: Record<PageKind, Page> = { isolated: await openBenchPage('isolated'), plain: await openBenchPage('plain') };
  const main = pages.isolated;
  const adapter = await main.evaluate(() => window.bench.adapter());
  const only = args.only?.split(',');
  const all = await main.evaluate(() => window.bench.workloads());
  const unknown = only?.filter((id) => !all.some((w) => w.id === id)) ?? [];
  if (unknown.length) throw new Error(`--only: no workload ${unknown.join(', ')}; expected some of ${all.map((w) => w.id).join(', ')}`);
  const workloads = all.filter((w) => !only || only.includes(w.id));
  console.log('measuring the CPU float32 peak…');
  const cpuPeak = await main.evaluate((ms) => window.bench.cpuPeak(ms), PEAK_MS);
  const results: Results = {
    adapter,
    browser: `Chromium ${browser.version()}`,
    host: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    budget,
    cpuPeak,
    workloads: [],
  };
  for (const w of workloads) {
    const cells = {} as Record<EngineId, CellResult>;
    for (const engine of ENGINES) {
      const kind = ENGINE_INFO[engine].page;
      const t0 = Date.now();
      cellProblems = [];
      try {
        cells[engine] = await pages[kind].evaluate(([id, e, b]) => window.bench.run(id, e, b), [w.id, engine, budget] as const);
      } catch (e) {
        // The page itself died (e.g. a lost GPU process): record it and carry on in a fresh page.
        cells[engine] = { value: null, note: `failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
        await pages[kind].close().catch(() => {});
        pages[kind] = await openBenchPage(kind);
      }
      if (cellProblems.length && cells[engine].value !== null) {
        cells[engine] = { value: null, note: `invalid: the page reported ${cellProblems.length} error(s) or warning(s) while measuring, first: ${cellProblems[0].split('\n')[0]}` };
      }
      const c = cells[engine];
      console.log(`${w.id.padEnd(15)} ${engine.padEnd(12)} ${c.value === null ? c.note : `${c.value.toPrecision(4)} ${w.unit}`}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    results.workloads.push(workloadResult(w, cells, cpuPeak));
  }
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  console.log(`\n${markdownTable(results)}\n\nwrote ${outFile.pathname}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
}
