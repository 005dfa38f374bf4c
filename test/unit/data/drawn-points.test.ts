import { describe, expect, it } from 'vitest';
import { DRAWN_PATTERN, decodeDrawnPoints, drawnPointsCsv, encodeDrawnPoints } from '../../../src/data/drawn-points';
import { parseHash, serializeHash } from '../../../src/app/url-codec';
import { defaultSettings } from '../../../src/app/url-table';
import { makeData } from '../../../src/app/lesson-data';

const points = [
  { x: -6, y: 6, label: 0 },
  { x: 1.23, y: -4.56, label: 5 },
  { x: 6, y: -6, label: 2 },
  { x: 0, y: 0, label: 1 },
];

describe('drawn points', () => {
  it('pack into three characters each and come back rounded to 0.1', () => {
    const text = encodeDrawnPoints(points);
    expect(text).toHaveLength(12);
    expect(DRAWN_PATTERN.test(text)).toBe(true);
    const back = decodeDrawnPoints(text);
    back.forEach((p, i) => {
      expect(p.label).toBe(points[i].label);
      expect(Math.abs(p.x - points[i].x)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(p.y - points[i].y)).toBeLessThanOrEqual(0.05 + 1e-9);
    });
    expect(encodeDrawnPoints(back)).toBe(text);
  });

  it('refuse what does not decode, naming the point', () => {
    expect(() => decodeDrawnPoints('AB')).toThrow(/groups of three/);
    expect(() => decodeDrawnPoints('AAA___')).toThrow(/point 2/);
    expect(() => encodeDrawnPoints([{ x: 0, y: 0, label: 6 }])).toThrow(/class 6/);
  });

  it('live in the URL (dataset=drawn&points=…) and become the lesson data', () => {
    const settings = { ...defaultSettings(), dataset: 'drawn' as const, classes: 6, percTrainData: 50, points: encodeDrawnPoints(points) };
    const hash = serializeHash(settings);
    expect(hash).toContain(`points=${settings.points}`);
    expect(parseHash(hash).settings).toEqual(settings);
    const data = makeData(settings);
    expect(data.train.length + data.test.length).toBe(4);
    expect(parseHash('#points=AAA___').ignored.map((e) => e.key)).toEqual(['points']);
  });

  it('download as a CSV', () => {
    expect(drawnPointsCsv(points.slice(0, 2))).toBe('x1,x2,class\n-6.0,6.0,0\n1.2,-4.6,5\n');
  });
});
