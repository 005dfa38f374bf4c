// model.summary(): per-layer rows and a text table in the style of Keras's model.summary().
import type { Layer } from './layers/layer';

export interface SummaryRow {
  name: string;
  type: string;
  /** With the batch axis as null, e.g. [null, 10]. */
  outputShape: (number | null)[];
  params: number;
}

export interface Summary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  text: string;
}

export function summarize(modelName: string, layers: readonly Layer[]): Summary {
  const shown = layers.filter((l) => l.type !== 'InputLayer');
  const rows = shown.map((l) => ({
    name: l.name,
    type: l.type,
    outputShape: [null, ...(l.outputShape ?? [])],
    params: countParams(l),
  }));
  const totalParams = rows.reduce((n, r) => n + r.params, 0);
  const trainableParams = shown.filter((l) => l.trainable).reduce((n, l) => n + countParams(l), 0);
  const nonTrainableParams = totalParams - trainableParams;
  return { rows, totalParams, trainableParams, nonTrainableParams, text: table(modelName, rows, totalParams, trainableParams, nonTrainableParams) };
}

function countParams(layer: Layer): number {
  return layer.params.reduce((n, p) => n + p.variable.size, 0);
}

function table(modelName: string, rows: SummaryRow[], total: number, trainable: number, nonTrainable: number): string {
  const cells = rows.map((r) => [`${r.name} (${r.type})`, `(${r.outputShape.map((d) => (d === null ? 'None' : d)).join(', ')})`, r.params.toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)) + 2);
  const line = (l: string, mid: string, r: string, fill: string): string => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const row = (c: string[], sep: string): string =>
    sep + c.map((v, i) => (i === 2 ? ` ${v.padStart(widths[i] - 2)} ` : ` ${v.padEnd(widths[i] - 2)} `)).join(sep) + sep;
  const bytes = (n: number): string => formatBytes(n * 4);
  return [
    `Model: "${modelName}"`,
    line('┏', '┳', '┓', '━'),
    row(header, '┃'),
    line('┡', '╇', '┩', '━'),
    ...cells.map((c) => row(c, '│')),
    line('└', '┴', '┘', '─'),
    ` Total params: ${total.toLocaleString('en-US')} (${bytes(total)})`,
    ` Trainable params: ${trainable.toLocaleString('en-US')} (${bytes(trainable)})`,
    ` Non-trainable params: ${nonTrainable.toLocaleString('en-US')} (${bytes(nonTrainable)})`,
  ].join('\n');
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}
