import { describe, expect, it } from 'vitest';
import { boxLayout, drawBoxes } from '../../../src/viz/boxes';
import type { OverlayContext } from '../../../src/viz/overlay';

const dog = { label: 'dog', score: 0.95, box: { x: 3.2, y: 2.4, width: 25.6, height: 19.2 }, highlighted: true };
const cat = { label: 'cat', score: 0.8, box: { x: 35.2, y: 2.4, width: 25.6, height: 19.2 }, highlighted: false };

describe('detector boxes', () => {
  it('fits the image at its aspect and maps boxes from image pixels, highlighted last', () => {
    // A 64×48 image in a 480×480 view: scale 7.5, image 480×360 centred at y = 60.
    const layout = boxLayout({ width: 480, height: 480 }, { width: 64, height: 48 }, [dog, cat]);
    expect(layout.imageRect).toEqual({ x: 0, y: 60, width: 480, height: 360 });
    expect(layout.boxes.map((b) => b.label)).toEqual(['cat', 'dog']);
    const r = layout.boxes[1].rect;
    expect([r.x, r.y, r.width, r.height].map((v) => +v.toFixed(6))).toEqual([24, 78, 192, 144]);
  });

  it('strokes every box and labels only the highlighted ones', () => {
    const calls: string[] = [];
    const ctx = new Proxy(
      {},
      {
        get: (_, op) =>
          typeof op === 'string' &&
          /^[a-z]+[A-Z]?\w*$/.test(op) &&
          !['fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textAlign', 'textBaseline'].includes(op)
            ? (...args: unknown[]) =>
                calls.push(`${op}(${args.map((a) => (typeof a === 'number' ? +a.toFixed(2) : a)).join(',')})`)
            : undefined,
        set: () => true,
      },
    ) as unknown as OverlayContext;
    drawBoxes(ctx, boxLayout({ width: 480, height: 480 }, { width: 64, height: 48 }, [dog, cat]), undefined);
    expect(calls.filter((c) => c.startsWith('strokeRect'))).toEqual([
      'strokeRect(264,78,192,144)',
      'strokeRect(24,78,192,144)',
    ]);
    expect(calls.filter((c) => c.startsWith('fillText'))).toEqual(['fillText(dog 0.95,27,64)']);
  });
});
