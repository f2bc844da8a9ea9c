import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronExpressionParser } from 'cron-parser';
import { Budget } from './budget.ts';
import { cronWalls, cronWallsBefore } from './cron.ts';

// The engine steps through the calendar itself and only parses with cron-parser: its walk must give
// exactly what cron-parser's own stepping gives, day-of-month OR day-of-week, L and # included.
const expressions = [
  '*/15 9-17 * * 1-5',
  '0 0 L * *',
  '30 6 * * 5L',
  '0 12 1,15 * 1', // both day fields restricted: either matches (Vixie cron)
  '0 0 * * MON#2',
  '0 0 1,L * 7',
  '45 23 31 * *',
  '0 0 29 2 *',
  '5 4 * 1,7 SUN',
  '0 8-10 13 * 5',
];

const fromParser = (expression: string, from: number, to: number) => {
  const steps = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(from - 1000), endDate: new Date(to) });
  const found: number[] = [];
  for (;;) {
    try {
      found.push(steps.next().getTime());
    } catch {
      return found;
    }
  }
};

describe('cron walls', () => {
  for (const expression of expressions) {
    it(`"${expression}" gives cron-parser's instants, forwards and backwards`, () => {
      const from = Date.UTC(2023, 10, 20, 7, 31);
      const to = expression === '0 0 29 2 *' ? Date.UTC(2033, 0, 1) : Date.UTC(2024, 11, 31);
      const expected = fromParser(expression, from, to);
      assert.ok(expected.length > 0);
      const forwards: number[] = [];
      for (const wall of cronWalls(expression, from, to + 1, new Budget(1_000_000))) forwards.push(wall);
      assert.deepEqual(forwards.filter((w) => w <= to), expected);
      const backwards = [...cronWallsBefore(expression, to, from, new Budget(1_000_000))];
      assert.deepEqual(backwards.reverse(), expected);
    });
  }

  it('finds a fifth Monday in February decades away in a few thousand steps', () => {
    const budget = new Budget(5000);
    const [first] = cronWalls('0 0 * 2 1#5', Date.UTC(2017, 0, 1), Date.UTC(10000, 0, 1), budget);
    assert.equal(new Date(first!).toISOString(), '2044-02-29T00:00:00.000Z');
  });
});
