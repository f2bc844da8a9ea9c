import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartOf, niceCeiling } from './chart.ts';

describe('the activity chart', () => {
  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0, 1, 3, 7, 10, 11, 42, 180].map(niceCeiling), [1, 1, 5, 10, 10, 20, 50, 200]);
  });

  it('draws a created and a completed bar per period, the tallest count reaching the scale it rounds to', () => {
    const chart = chartOf(
      [
        { start: '2025-12-01', created: 4, completed: 2 },
        { start: '2025-12-02', created: 0, completed: 5 },
      ],
      { width: 200, height: 100 },
    );
    assert.equal(chart.max, 5);
    assert.deepEqual(chart.bars.map((b) => [b.kind, b.value, b.height]), [
      ['created', 4, 80],
      ['completed', 2, 40],
      ['created', 0, 0],
      ['completed', 5, 100],
    ]);
    // Bars stand on the axis and stay inside the width.
    assert.ok(chart.bars.every((b) => b.y + b.height === 100 && b.x >= 0 && b.x + b.width <= 200));
  });

  it('labels at most eight periods of a long range', () => {
    const periods = Array.from({ length: 31 }, (_, i) => ({ start: `day-${i}`, created: i, completed: 0 }));
    assert.ok(chartOf(periods, { width: 600, height: 100 }).labels.length <= 8);
  });
});
