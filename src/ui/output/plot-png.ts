// The big plot as a PNG: its heatmap canvas, the SVG of points and axes over it, and the class legend
// under them, drawn into one canvas. The SVG is serialized with its computed styles inlined, since the
// page's stylesheet does not travel with it.
export interface LegendEntry {
  name: string;
  color: string;
}

const STYLE_PROPERTIES = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'opacity', 'font-size', 'font-family', 'font-weight', 'paint-order'] as const;
const LEGEND_ROW = 26;
const SCALE = 2;

function inlineStyles(source: SVGElement, copy: SVGElement): void {
  const style = getComputedStyle(source);
  copy.setAttribute('style', STYLE_PROPERTIES.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'));
  Array.from(source.children).forEach((child, i) => inlineStyles(child as SVGElement, copy.children[i] as SVGElement));
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the plot\'s SVG could not be drawn as an image'));
    image.src = url;
  });
}

/** The plot element (OutputPlot's container) and its legend as a PNG blob. */
export async function plotPng(plot: HTMLElement, legend: readonly LegendEntry[]): Promise<Blob> {
  const svg = plot.querySelector('svg');
  const heatmap = plot.querySelector('canvas');
  if (!svg || !heatmap) throw new Error('the plot has not been drawn yet');
  const box = plot.getBoundingClientRect();
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const rows = legend.length > 0 ? 1 : 0;
  const canvas = document.createElement('canvas');
  canvas.width = width * SCALE;
  canvas.height = (height + rows * LEGEND_ROW) * SCALE;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height + rows * LEGEND_ROW);
  const at = heatmap.getBoundingClientRect();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(heatmap, at.left - box.left, at.top - box.top, at.width, at.height);

  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  try {
    ctx.drawImage(await loadImage(url), 0, 0, width, height);
  } finally {
    URL.revokeObjectURL(url);
  }

  ctx.font = '13px sans-serif';
  ctx.textBaseline = 'middle';
  let x = 8;
  const y = height + LEGEND_ROW / 2;
  for (const entry of legend) {
    ctx.fillStyle = entry.color;
    ctx.beginPath();
    ctx.arc(x + 6, y, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = '#183d4e';
    ctx.fillText(entry.name, x + 16, y);
    x += 16 + ctx.measureText(entry.name).width + 18;
  }
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}
