import { describe, expect, it } from 'vitest';
import { layoutNetwork, linkPath, linkWidth } from '../../../src/ui/network/geometry';

describe('network diagram layout', () => {
  it('spreads columns across the width and centers each column vertically', () => {
    const layout = layoutNetwork({ counts: [7, 4, 2, 1], width: 400, height: 380 });
    expect(layout.columns.map((c) => c.length)).toEqual([7, 4, 2, 1]);
    expect(layout.columnX[0]).toBe(0);
    expect(layout.columnX[3] + layout.nodeSize).toBe(400);
    const centre = (c: number) => {
      const col = layout.columns[c];
      return (col[0].y + col[col.length - 1].y + layout.nodeSize) / 2;
    };
    expect(Math.abs(centre(1) - centre(3))).toBeLessThanOrEqual(1);
    expect(Math.abs(centre(0) - centre(2))).toBeLessThanOrEqual(1);
  });

  it('shrinks nodes for tall or many columns, never below the minimum, and grows the height instead', () => {
    const roomy = layoutNetwork({ counts: [2, 2, 1], width: 600, height: 380 });
    const tall = layoutNetwork({ counts: [7, 32, 1], width: 600, height: 380, minNodeSize: 16 });
    const wide = layoutNetwork({ counts: [7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 1], width: 400, height: 380 });
    expect(roomy.nodeSize).toBe(40);
    expect(tall.nodeSize).toBe(16);
    expect(tall.height).toBeGreaterThan(380);
    expect(wide.nodeSize).toBeLessThan(roomy.nodeSize);
    // Nodes of one column never overlap.
    const col = tall.columns[1];
    for (let i = 1; i < col.length; i++) expect(col[i].y - col[i - 1].y).toBeGreaterThanOrEqual(tall.nodeSize);
  });

  it('rejects a network without input and output columns', () => {
    expect(() => layoutNetwork({ counts: [3], width: 100, height: 100 })).toThrow(/counts/);
  });

  it('draws links from the right middle of one node to the left middle of the next', () => {
    const d = linkPath({ column: 0, index: 0, x: 0, y: 0, size: 10 }, { column: 1, index: 0, x: 50, y: 20, size: 10 });
    expect(d).toBe('M10,5 C30,5 30,25 50,25');
  });

  it('makes link width grow with |weight| and saturate', () => {
    expect(linkWidth(0)).toBe(1);
    expect(linkWidth(-2)).toBe(linkWidth(2));
    expect(linkWidth(2)).toBeGreaterThan(linkWidth(1));
    expect(linkWidth(100)).toBe(linkWidth(5));
    expect(linkWidth(Number.NaN)).toBe(1);
  });
});
