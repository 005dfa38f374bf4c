// Where each node of the network diagram sits, and the SVG path of each link. Pure: sizes in, pixels out.

export interface NodeBox {
  /** Column: 0 = input features, 1..k = hidden layers, k+1 = output. */
  column: number;
  /** Position within the column, top to bottom. */
  index: number;
  x: number;
  y: number;
  size: number;
}

export interface NetworkLayout {
  columns: NodeBox[][];
  width: number;
  height: number;
  nodeSize: number;
  /** Left edge of each column, for the per-layer buttons drawn above it. */
  columnX: number[];
}

export interface LayoutOptions {
  /** Node count of every column: inputs, hidden layers…, output. */
  counts: number[];
  width: number;
  /** Vertical space the tallest column should fit in before nodes shrink. */
  height: number;
  maxNodeSize?: number;
  minNodeSize?: number;
}

const GAP_RATIO = 0.3;

/** Links need room: a node takes at most this share of the distance between columns. */
const NODE_SHARE_OF_COLUMN = 0.55;

/** Lay out columns evenly across the width; nodes shrink (down to minNodeSize) so the tallest column fits. */
export function layoutNetwork({ counts, width, height, maxNodeSize = 40, minNodeSize = 16 }: LayoutOptions): NetworkLayout {
  if (counts.length < 2) throw new Error(`layoutNetwork: counts must list at least input and output columns, got ${counts.length}`);
  const tallest = Math.max(...counts);
  const fitHeight = height / (tallest * (1 + GAP_RATIO));
  const fitWidth = (width / counts.length) * NODE_SHARE_OF_COLUMN;
  const nodeSize = Math.max(minNodeSize, Math.min(maxNodeSize, Math.floor(fitHeight), Math.floor(fitWidth)));
  const pitch = Math.round(nodeSize * (1 + GAP_RATIO));
  const contentHeight = Math.max(height, tallest * pitch);
  const span = Math.max(0, width - nodeSize);
  const columnX = counts.map((_, c) => Math.round((span * c) / (counts.length - 1)));
  const columns = counts.map((count, c) => {
    const top = Math.round((contentHeight - count * pitch + (pitch - nodeSize)) / 2);
    return Array.from({ length: count }, (_, i) => ({ column: c, index: i, x: columnX[c], y: top + i * pitch, size: nodeSize }));
  });
  return { columns, width, height: contentHeight, nodeSize, columnX };
}

/** A horizontal S-curve from the right middle of `from` to the left middle of `to`. */
export function linkPath(from: NodeBox, to: NodeBox): string {
  const x0 = from.x + from.size;
  const y0 = from.y + from.size / 2;
  const x1 = to.x;
  const y1 = to.y + to.size / 2;
  const mid = (x0 + x1) / 2;
  return `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
}

/** Stroke width of a link: grows with |weight| and saturates, so large weights stay legible. */
export function linkWidth(weight: number): number {
  const magnitude = Math.min(Math.abs(Number.isFinite(weight) ? weight : 0), 5);
  return 1 + (magnitude / 5) * 9;
}
