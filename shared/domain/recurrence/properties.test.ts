import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tzScan } from '@date-fns/tz';
import fc from 'fast-check';
import { Recurrence, type RecurrenceInput, type Rule, between, lastAtOrBefore, nextAfter, occurrences, resolveRule } from './index.ts';
import { DAY, expectedWalls, instantsReading, localWall } from '../../../test/recurrence-oracle.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Zones with odd offsets and changes: half-hour and 45-minute offsets and DST, a skipped day (Apia
// 2011), changes at midnight (Sao Paulo, Tehran), a two-hour change (Troll), negative DST (Dublin),
// several changes a year (Casablanca), and -00:44:30 (Monrovia until 1972).
const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Apia',
  'America/Sao_Paulo',
  'Asia/Tehran',
  'Antarctica/Troll',
  'Europe/Dublin',
  'Africa/Casablanca',
  'Africa/Monrovia',
];

const codes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const plainDays = fc.subarray(codes, { minLength: 1 });
const nthDay = (most: number) =>
  fc.tuple(fc.integer({ min: -most, max: most }).filter((n) => n !== 0), fc.constantFrom(...codes)).map(([n, c]) => `${n}${c}`);
const someDays = (most: number) => fc.array(fc.oneof(fc.constantFrom(...codes), nthDay(most)), { minLength: 1, maxLength: 2 });
const monthDay = fc.integer({ min: -31, max: 31 }).filter((n) => n !== 0);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const calendarRule = fc.oneof(
  fc.record({ freq: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 10 }), by_weekday: maybe(plainDays) }),
  fc.record({ freq: fc.constant('weekly' as const), interval: fc.integer({ min: 1, max: 5 }), by_weekday: maybe(plainDays) }),
  fc.record({
    freq: fc.constant('monthly' as const),
    interval: fc.integer({ min: 1, max: 13 }),
    pick: fc.oneof(
      fc.constant({}),
      fc.record({ by_month_day: fc.array(monthDay, { minLength: 1, maxLength: 3 }) }),
      fc.record({ by_weekday: someDays(5) }),
    ),
  }).map(({ pick, ...rest }) => ({ ...rest, ...pick })),
  fc.record({ freq: fc.constant('yearly' as const), interval: fc.integer({ min: 1, max: 4 }), by_month: maybe(fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { minLength: 1, maxLength: 3 })) })
    .chain((r) => fc.record({ by_weekday: maybe(someDays(r.by_month ? 5 : 53)) }).map((w) => ({ ...r, ...w }))),
);

// A cron shape the oracle can read on its own: listed minutes, listed or all hours, some days of the week.
const cronRule = fc
  .tuple(
    fc.subarray([0, 7, 15, 30, 45, 59], { minLength: 1, maxLength: 2 }),
    fc.oneof(fc.subarray([...Array(24).keys()], { minLength: 1, maxLength: 3 }).map((h) => h.join(',')), fc.constant('*')),
    fc.option(fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }), { nil: undefined }),
  )
  .map(([m, h, d]) => ({ freq: 'cron' as const, cron: `${m.join(',')} ${h} * * ${d ? d.join(',') : '*'}` }));

/** A start given as local fields, biased to DST months and to the small hours where changes happen. */
const anyStart = (zone: string) =>
  fc
    .record({
      year: fc.integer({ min: 1970, max: 2100 }),
      month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(3, 4, 9, 10, 11)),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 2, 3)),
      minute: fc.oneof(fc.constantFrom(0, 15, 30, 45), fc.integer({ min: 0, max: 59 })),
      second: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59 })),
      ms: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999 })),
    })
    .map(({ year, month, day, hour, minute, second, ms }) => {
      const wall = Date.UTC(year, month - 1, day, hour, minute, second);
      return wall - (localWall(wall, zone) - wall) + ms;
    });

const offsetAt = (t: number, zone: string) => localWall(t, zone) - t;

/**
 * The offset changes of a zone in a year, to the second: tzScan finds the hour (only used to pick
 * inputs), a binary search over Intl's readings the instant.
 */
function changes(zone: string, year: number): number[] {
  return tzScan(zone, { start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) }).map(({ date }) => {
    let [lo, hi] = [date.getTime() - HOUR, date.getTime()];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(mid, zone) === offsetAt(hi, zone)) hi = mid;
      else lo = mid;
    }
    return hi;
  });
}

/**
 * A start whose local time lies in a skipped or repeated stretch of a real change, some whole days
 * before it (so a daily rule meets the change) or some hours before (so a cron rule runs into it).
 */
const nearChange = (zone: string) =>
  fc
    .record({
      year: fc.integer({ min: 1970, max: 2100 }),
      pick: fc.nat(),
      into: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      back: fc.oneof(fc.integer({ min: 0, max: 6 }).map((d) => d * DAY), fc.integer({ min: 0, max: 6 }).map((h) => h * HOUR)),
      later: fc.boolean(),
    })
    .map(({ year, pick, into, back, later }) => {
      const found = changes(zone, year);
      const change = found[pick % Math.max(1, found.length)];
      if (change === undefined) return Date.UTC(year, 2, 1);
      const [before, after] = [localWall(change - 1000, zone) + 1000, localWall(change, zone)];
      // Between the two clock readings lies the stretch: skipped when the clock jumps ahead, else repeated.
      const wall = Math.min(before, after) + Math.floor((into * Math.abs(after - before)) / MINUTE) * MINUTE - back;
      const readings = instantsReading(wall, zone);
      return (later ? readings.at(-1) : readings[0]) ?? change - back;
    });

const start = (zone: string) => fc.oneof(anyStart(zone), nearChange(zone));

const series = fc
  .record({ zone: fc.constantFrom(...zones), shape: fc.oneof({ weight: 3, arbitrary: calendarRule }, { weight: 2, arbitrary: cronRule }) })
  .chain(({ zone, shape }) =>
    fc.record({
      zone: fc.constant(zone),
      shape: fc.constant(shape),
      start: start(zone),
      end: fc.oneof(fc.constant({}), fc.record({ count: fc.integer({ min: 1, max: 30 }) }), fc.record({ untilAfter: fc.integer({ min: 0, max: 3 * 366 * DAY }) })),
    }),
  )
  .map(({ zone, shape, start, end }) => {
    const input: RecurrenceInput = JSON.parse(JSON.stringify(shape));
    if ('count' in end) input.count = end.count;
    if ('untilAfter' in end) input.until = new Date(start + end.untilAfter).toISOString();
    return { rule: resolveRule(Recurrence.parse(input), zone), start: new Date(start) };
  });

const TAKE = 40;
const walk = (rule: Rule, start: Date) => {
  const found: number[] = [];
  for (const d of occurrences(rule, start)) if (found.push(d.getTime()) >= TAKE) break;
  return found;
};

const runs = { numRuns: 400 };

describe('recurrence properties over random rules, starts (1970-2100) and zones', () => {
  it('occurrences strictly increase, match the rule, miss none, keep the time of day and respect the end', () => {
    fc.assert(
      fc.property(series, ({ rule, start }) => {
        const zone = rule.timezone;
        const first = Math.floor(start.getTime() / 1000) * 1000;
        const got = walk(rule, start);
        const walls = got.map((t) => localWall(t, zone));
        const startWall = localWall(first, zone);
        got.forEach((t, i) => assert.ok(t > (got[i - 1] ?? first - 1), `not increasing at ${i}`));
        if (rule.count !== undefined) assert.ok(got.length <= rule.count, 'more than count');
        if (rule.until !== undefined) assert.ok(got.every((t) => t <= Date.parse(rule.until ?? '')), 'after until');

        // A skipped wall time fires at the end of its gap: the instant where the local clock jumps.
        const jumpedFrom = got.map((t) => localWall(t - 1000, zone));
        const shifted = (i: number) => (jumpedFrom[i] ?? 0) + 1000 !== walls[i];
        const horizon =
          got.length === TAKE || (rule.count !== undefined && got.length === rule.count)
            ? (walls.at(-1) ?? startWall)
            : rule.until !== undefined
              ? localWall(Date.parse(rule.until), zone) - 26 * 3_600_000
              : startWall + 3 * 366 * DAY;
        const expected = expectedWalls(rule, startWall, Math.min(startWall, walls[0] ?? startWall), Math.max(horizon, walls.at(-1) ?? 0));
        const expectedSet = new Set(expected);

        walls.forEach((w, i) => {
          const t = got[i] ?? 0;
          const skippedHere = shifted(i) && expected.some((e) => e > (jumpedFrom[i] ?? 0) && e < w);
          assert.ok(expectedSet.has(w) || skippedHere, `occurrence ${new Date(t).toISOString()} does not match the rule`);
          if (!rule.cron) assert.ok(w % DAY === startWall % DAY || skippedHere, 'time of day changed');
          assert.equal(instantsReading(w, zone)[0] ?? t, t, 'a repeated wall time must fire at its first instant');
        });
        for (const w of expected) {
          if (w < startWall || w > horizon) continue;
          if ((instantsReading(w, zone)[0] ?? Infinity) < first) continue; // its instant is before the start
          const covered = expectedSet.has(w) && walls.includes(w);
          const movedToGapEnd = walls.some((x, i) => shifted(i) && (jumpedFrom[i] ?? 0) < w && w < x);
          assert.ok(covered || movedToGapEnd, `missed ${new Date(w).toISOString().slice(0, 19)} local`);
        }
      }),
      runs,
    );
  });

  it('nextAfter and between agree with walking the series from its start', () => {
    const probe = fc.record({ pick: fc.nat(), exact: fc.boolean(), shift: fc.integer({ min: -3 * DAY, max: 3 * DAY }), span: fc.integer({ min: 0, max: 40 * DAY }), limit: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(series, probe, ({ rule, start }, { pick, exact, shift, span, limit }) => {
        const all = walk(rule, start);
        const complete = all.length < TAKE; // the series ended within the walk
        const after = (all.length > 0 ? (all[pick % all.length] ?? 0) : start.getTime()) + (exact ? 0 : shift);
        const last = all.at(-1) ?? -Infinity;
        if (complete || after < last) {
          assert.equal(nextAfter(rule, start, new Date(after))?.getTime() ?? null, all.find((t) => t > after) ?? null);
        }
        const to = complete ? after + span : Math.min(after + span, last);
        if (to >= after) {
          const expected = all.filter((t) => t > after && t <= to).slice(0, limit);
          assert.deepEqual(between(rule, start, new Date(after), new Date(to), limit).map((d) => d.getTime()), expected);
        }
      }),
      runs,
    );
  });

  it('lastAtOrBefore is the last occurrence at or before the time when walking the series from its start', () => {
    const probe = fc.record({ pick: fc.nat(), exact: fc.boolean(), shift: fc.integer({ min: -3 * DAY, max: 3 * DAY }) });
    fc.assert(
      fc.property(series, probe, ({ rule, start }, { pick, exact, shift }) => {
        const all = walk(rule, start);
        const complete = all.length < TAKE;
        const to = (all.length > 0 ? (all[pick % all.length] ?? 0) : start.getTime()) + (exact ? 0 : shift);
        // Past the walk's last occurrence the walk no longer knows what comes next.
        if (!complete && to >= (all.at(-1) ?? -Infinity)) return;
        const expected = all.filter((t) => t <= to).at(-1) ?? null;
        assert.equal(lastAtOrBefore(rule, start, new Date(to))?.getTime() ?? null, expected);
      }),
      runs,
    );
  });
});
