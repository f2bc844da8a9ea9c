import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RecurrenceInput, Recurrence, between, nextAfter, occurrences, preview, resolveRule } from './index.ts';

const rule = (input: RecurrenceInput, zone = 'Europe/Berlin') => resolveRule(Recurrence.parse(input), zone);

// [what, rule, zone, start, the first occurrences (as many as listed; fewer when the series ends)]
type Row = [string, RecurrenceInput, string, string, string[]];

const check = (rows: Row[]) => {
  for (const [what, input, zone, start, expected] of rows) {
    it(what, () => assert.deepEqual(preview(rule(input, zone), new Date(start), expected.length + 2).slice(0, expected.length + 1), expected));
  }
};

// 2026-01-01 is a Thursday. Berlin: summer time 2026-03-29 02:00 -> 03:00 and 2026-10-25 03:00 -> 02:00.
describe('each frequency, hand-checked', () => {
  const B = 'Europe/Berlin';
  check([
    ['daily', { freq: 'daily', count: 3 }, B, '2026-01-05T09:00:00+01:00', ['2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00', '2026-01-07T09:00:00+01:00']],
    ['every third day, across a month end', { freq: 'daily', interval: 3, count: 3 }, B, '2026-01-30T08:00:00+01:00', ['2026-01-30T08:00:00+01:00', '2026-02-02T08:00:00+01:00', '2026-02-05T08:00:00+01:00']],
    ['daily on weekdays only, from a Friday', { freq: 'daily', by_weekday: ['MO', 'TU', 'WE', 'TH', 'FR'], count: 3 }, B, '2026-01-02T09:00:00+01:00', ['2026-01-02T09:00:00+01:00', '2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00']],
    ['weekly on the start weekday', { freq: 'weekly', count: 3 }, B, '2026-01-07T09:00:00+01:00', ['2026-01-07T09:00:00+01:00', '2026-01-14T09:00:00+01:00', '2026-01-21T09:00:00+01:00']],
    ['every other week on Monday and Wednesday, starting on a Wednesday (that week\'s Monday is before the start)', { freq: 'weekly', interval: 2, by_weekday: ['WE', 'MO'], count: 5 }, B, '2026-01-07T09:00:00+01:00', ['2026-01-07T09:00:00+01:00', '2026-01-19T09:00:00+01:00', '2026-01-21T09:00:00+01:00', '2026-02-02T09:00:00+01:00', '2026-02-04T09:00:00+01:00']],
    ['weekly on Sunday, starting on the Monday before (weeks start on Monday)', { freq: 'weekly', by_weekday: ['SU'], count: 2 }, B, '2026-01-05T09:00:00+01:00', ['2026-01-11T09:00:00+01:00', '2026-01-18T09:00:00+01:00']],
    ['monthly on the start day', { freq: 'monthly', count: 3 }, B, '2026-01-15T09:00:00+01:00', ['2026-01-15T09:00:00+01:00', '2026-02-15T09:00:00+01:00', '2026-03-15T09:00:00+01:00']],
    ['every other month', { freq: 'monthly', interval: 2, count: 3 }, B, '2026-01-15T09:00:00+01:00', ['2026-01-15T09:00:00+01:00', '2026-03-15T09:00:00+01:00', '2026-05-15T09:00:00+02:00']],
    ['monthly on the 1st and 15th, starting between them', { freq: 'monthly', by_month_day: [15, 1], count: 3 }, B, '2026-01-10T09:00:00+01:00', ['2026-01-15T09:00:00+01:00', '2026-02-01T09:00:00+01:00', '2026-02-15T09:00:00+01:00']],
    ['yearly on the start date', { freq: 'yearly', count: 3 }, B, '2026-07-04T09:00:00+02:00', ['2026-07-04T09:00:00+02:00', '2027-07-04T09:00:00+02:00', '2028-07-04T09:00:00+02:00']],
    ['every other year', { freq: 'yearly', interval: 2, count: 3 }, B, '2026-07-04T09:00:00+02:00', ['2026-07-04T09:00:00+02:00', '2028-07-04T09:00:00+02:00', '2030-07-04T09:00:00+02:00']],
    ['yearly on the last Friday of the year', { freq: 'yearly', by_weekday: ['-1FR'], count: 2 }, B, '2026-01-01T09:00:00+01:00', ['2026-12-25T09:00:00+01:00', '2027-12-31T09:00:00+01:00']],
    ['yearly on the 4th Thursday of November', { freq: 'yearly', by_month: [11], by_weekday: ['4TH'], count: 3 }, 'America/New_York', '2026-01-01T12:00:00-05:00', ['2026-11-26T12:00:00-05:00', '2027-11-25T12:00:00-05:00', '2028-11-23T12:00:00-05:00']],
    ['yearly in March and September on the start day', { freq: 'yearly', by_month: [9, 3], count: 3 }, B, '2026-01-31T09:00:00+01:00', ['2026-03-31T09:00:00+02:00', '2026-09-30T09:00:00+02:00', '2027-03-31T09:00:00+02:00']],
  ]);
});

describe('month ends and leap years', () => {
  const B = 'Europe/Berlin';
  check([
    ['the 31st stays anchored: Jan 31, Feb 28, Mar 31, Apr 30, May 31', { freq: 'monthly', count: 5 }, B, '2026-01-31T09:00:00+01:00', ['2026-01-31T09:00:00+01:00', '2026-02-28T09:00:00+01:00', '2026-03-31T09:00:00+02:00', '2026-04-30T09:00:00+02:00', '2026-05-31T09:00:00+02:00']],
    ['the 31st falls on Feb 29 in a leap year', { freq: 'monthly', count: 3 }, B, '2024-01-31T09:00:00+01:00', ['2024-01-31T09:00:00+01:00', '2024-02-29T09:00:00+01:00', '2024-03-31T09:00:00+02:00']],
    ['-1 is the last day of each month', { freq: 'monthly', by_month_day: [-1], count: 4 }, B, '2026-01-01T09:00:00+01:00', ['2026-01-31T09:00:00+01:00', '2026-02-28T09:00:00+01:00', '2026-03-31T09:00:00+02:00', '2026-04-30T09:00:00+02:00']],
    ['the 30th and 31st give February one occurrence, not two', { freq: 'monthly', by_month_day: [30, 31], count: 5 }, B, '2026-01-30T09:00:00+01:00', ['2026-01-30T09:00:00+01:00', '2026-01-31T09:00:00+01:00', '2026-02-28T09:00:00+01:00', '2026-03-30T09:00:00+02:00', '2026-03-31T09:00:00+02:00']],
    ['yearly on Feb 29 falls on Feb 28 in other years', { freq: 'yearly', count: 5 }, B, '2024-02-29T09:00:00+01:00', ['2024-02-29T09:00:00+01:00', '2025-02-28T09:00:00+01:00', '2026-02-28T09:00:00+01:00', '2027-02-28T09:00:00+01:00', '2028-02-29T09:00:00+01:00']],
    ['2100 is not a leap year', { freq: 'yearly', interval: 4, count: 3 }, 'UTC', '2096-02-29T09:00:00Z', ['2096-02-29T09:00:00+00:00', '2100-02-28T09:00:00+00:00', '2104-02-29T09:00:00+00:00']],
  ]);
});

describe('nth weekdays', () => {
  const B = 'Europe/Berlin';
  check([
    ['the 2nd Tuesday', { freq: 'monthly', by_weekday: ['2TU'], count: 4 }, B, '2026-01-01T09:00:00+01:00', ['2026-01-13T09:00:00+01:00', '2026-02-10T09:00:00+01:00', '2026-03-10T09:00:00+01:00', '2026-04-14T09:00:00+02:00']],
    ['the last Friday', { freq: 'monthly', by_weekday: ['-1FR'], count: 4 }, B, '2026-01-01T09:00:00+01:00', ['2026-01-30T09:00:00+01:00', '2026-02-27T09:00:00+01:00', '2026-03-27T09:00:00+01:00', '2026-04-24T09:00:00+02:00']],
    ['the first Monday and the last Friday together', { freq: 'monthly', by_weekday: ['1MO', '-1FR'], count: 4 }, B, '2026-01-01T09:00:00+01:00', ['2026-01-05T09:00:00+01:00', '2026-01-30T09:00:00+01:00', '2026-02-02T09:00:00+01:00', '2026-02-27T09:00:00+01:00']],
    ['a 5th Monday only in the months that have one', { freq: 'monthly', by_weekday: ['5MO'], count: 3 }, B, '2026-01-01T09:00:00+01:00', ['2026-03-30T09:00:00+02:00', '2026-06-29T09:00:00+02:00', '2026-08-31T09:00:00+02:00']],
    ['every Saturday of the month (a plain weekday)', { freq: 'monthly', by_weekday: ['SA'], count: 3 }, B, '2026-01-01T09:00:00+01:00', ['2026-01-03T09:00:00+01:00', '2026-01-10T09:00:00+01:00', '2026-01-17T09:00:00+01:00']],
    ['a 5th Monday of February, which comes every few decades', { freq: 'monthly', interval: 12, by_weekday: ['5MO'], count: 2 }, B, '2026-02-01T09:00:00+01:00', ['2044-02-29T09:00:00+01:00', '2072-02-29T09:00:00+01:00']],
  ]);
});

describe('wall-clock time across DST changes', () => {
  const B = 'Europe/Berlin';
  const NY = 'America/New_York'; // 2026-03-08 02:00 -> 03:00 and 2026-11-01 02:00 -> 01:00
  check([
    ['09:00 Berlin stays 09:00 into summer time', { freq: 'daily', count: 3 }, B, '2026-03-28T09:00:00+01:00', ['2026-03-28T09:00:00+01:00', '2026-03-29T09:00:00+02:00', '2026-03-30T09:00:00+02:00']],
    ['09:00 Berlin stays 09:00 out of summer time', { freq: 'daily', count: 3 }, B, '2026-10-24T09:00:00+02:00', ['2026-10-24T09:00:00+02:00', '2026-10-25T09:00:00+01:00', '2026-10-26T09:00:00+01:00']],
    ['02:30 Berlin, skipped in spring, moves to 03:00', { freq: 'daily', count: 3 }, B, '2026-03-28T02:30:00+01:00', ['2026-03-28T02:30:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00']],
    ['02:30 Berlin, repeated in autumn, fires once, at the first', { freq: 'daily', count: 3 }, B, '2026-10-24T02:30:00+02:00', ['2026-10-24T02:30:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00']],
    ['weekly 02:30 on Sundays until after the autumn change', { freq: 'weekly', until: '2026-11-01T12:00:00+01:00' }, B, '2026-10-11T02:30:00+02:00', ['2026-10-11T02:30:00+02:00', '2026-10-18T02:30:00+02:00', '2026-10-25T02:30:00+02:00', '2026-11-01T02:30:00+01:00']],
    ['09:00 New York stays 09:00 into summer time', { freq: 'daily', count: 3 }, NY, '2026-03-07T09:00:00-05:00', ['2026-03-07T09:00:00-05:00', '2026-03-08T09:00:00-04:00', '2026-03-09T09:00:00-04:00']],
    ['09:00 New York stays 09:00 out of summer time', { freq: 'daily', count: 3 }, NY, '2026-10-31T09:00:00-04:00', ['2026-10-31T09:00:00-04:00', '2026-11-01T09:00:00-05:00', '2026-11-02T09:00:00-05:00']],
    ['02:30 New York, skipped, moves to 03:00', { freq: 'daily', count: 3 }, NY, '2026-03-07T02:30:00-05:00', ['2026-03-07T02:30:00-05:00', '2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00']],
    ['01:30 New York, repeated, fires once, at the first', { freq: 'daily', count: 3 }, NY, '2026-10-31T01:30:00-04:00', ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00']],
    ['starting at the second 01:30 of the repeated hour, which is not the rule\'s 01:30 that day', { freq: 'daily', count: 2 }, NY, '2026-11-01T01:30:00-05:00', ['2026-11-02T01:30:00-05:00', '2026-11-03T01:30:00-05:00']],
    // Lord Howe moves by half an hour: 02:00 -> 02:30 on 2026-10-04, 02:00 -> 01:30 on 2026-04-05.
    ['02:15 Lord Howe, skipped by a half-hour change, moves to 02:30', { freq: 'daily', count: 3 }, 'Australia/Lord_Howe', '2026-10-03T02:15:00+10:30', ['2026-10-03T02:15:00+10:30', '2026-10-04T02:30:00+11:00', '2026-10-05T02:15:00+11:00']],
    ['01:45 Lord Howe, repeated, fires once', { freq: 'daily', count: 3 }, 'Australia/Lord_Howe', '2026-04-04T01:45:00+11:00', ['2026-04-04T01:45:00+11:00', '2026-04-05T01:45:00+11:00', '2026-04-06T01:45:00+10:30']],
    ['09:00 Kathmandu (+05:45)', { freq: 'weekly', count: 2 }, 'Asia/Kathmandu', '2026-01-01T03:15:00Z', ['2026-01-01T09:00:00+05:45', '2026-01-08T09:00:00+05:45']],
    ['Samoa skipped 2011-12-30 whole: its 09:00 becomes midnight of the 31st', { freq: 'daily', count: 4 }, 'Pacific/Apia', '2011-12-28T09:00:00-10:00', ['2011-12-28T09:00:00-10:00', '2011-12-29T09:00:00-10:00', '2011-12-31T00:00:00+14:00', '2011-12-31T09:00:00+14:00']],
  ]);
});

describe('start and end of a series', () => {
  const B = 'Europe/Berlin';
  check([
    ['until is inclusive', { freq: 'daily', until: '2026-01-07T09:00:00+01:00' }, B, '2026-01-05T09:00:00+01:00', ['2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00', '2026-01-07T09:00:00+01:00']],
    ['until a second before the last stops a day earlier', { freq: 'daily', until: '2026-01-07T08:59:59+01:00' }, B, '2026-01-05T09:00:00+01:00', ['2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00']],
    ['until in another offset means the same instant', { freq: 'daily', until: '2026-01-06T08:00:00Z' }, B, '2026-01-05T09:00:00+01:00', ['2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00']],
    ['count 1 is the start alone', { freq: 'daily', count: 1 }, B, '2026-01-05T09:00:00+01:00', ['2026-01-05T09:00:00+01:00']],
    ['a start that does not match is not counted: the series begins at the first match', { freq: 'weekly', by_weekday: ['FR'], count: 2 }, B, '2026-01-05T09:00:00+01:00', ['2026-01-09T09:00:00+01:00', '2026-01-16T09:00:00+01:00']],
    ['a start on a month day the rule does not name', { freq: 'monthly', by_month_day: [1], count: 2 }, B, '2026-01-05T09:00:00+01:00', ['2026-02-01T09:00:00+01:00', '2026-03-01T09:00:00+01:00']],
    ['the start keeps its seconds and drops its milliseconds', { freq: 'daily', count: 2 }, 'UTC', '2026-01-05T09:00:07.750Z', ['2026-01-05T09:00:07+00:00', '2026-01-06T09:00:07+00:00']],
    ['a rule that can never match has no occurrences', { freq: 'daily', interval: 7, by_weekday: ['TU'] }, B, '2026-01-05T09:00:00+01:00', []],
    ['a series ends in the year 9999', { freq: 'yearly', interval: 1000 }, 'UTC', '1999-01-01T00:00:00Z', ['1999-01-01T00:00:00+00:00', '2999-01-01T00:00:00+00:00', '3999-01-01T00:00:00+00:00', '4999-01-01T00:00:00+00:00', '5999-01-01T00:00:00+00:00', '6999-01-01T00:00:00+00:00', '7999-01-01T00:00:00+00:00', '8999-01-01T00:00:00+00:00', '9999-01-01T00:00:00+00:00']],
  ]);
});

describe('cron rules', () => {
  const B = 'Europe/Berlin';
  check([
    ['weekdays at 09:00, from a Friday', { freq: 'cron', cron: '0 9 * * 1-5', count: 3 }, B, '2026-01-02T08:00:00+01:00', ['2026-01-02T09:00:00+01:00', '2026-01-05T09:00:00+01:00', '2026-01-06T09:00:00+01:00']],
    ['the start is the first occurrence when it matches', { freq: 'cron', cron: '0 9 * * *', count: 2 }, B, '2026-01-02T09:00:00+01:00', ['2026-01-02T09:00:00+01:00', '2026-01-03T09:00:00+01:00']],
    ['the last day of each month (L)', { freq: 'cron', cron: '0 18 L * *', count: 3 }, B, '2026-01-01T00:00:00+01:00', ['2026-01-31T18:00:00+01:00', '2026-02-28T18:00:00+01:00', '2026-03-31T18:00:00+02:00']],
    ['day of month and day of week both set: either matches (as in Vixie cron)', { freq: 'cron', cron: '0 0 13 * 5', count: 4 }, 'UTC', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00+00:00', '2026-01-09T00:00:00+00:00', '2026-01-13T00:00:00+00:00', '2026-01-16T00:00:00+00:00']],
    ['every 30 minutes in the spring gap: the skipped 02:00 and 02:30 become one 03:00', { freq: 'cron', cron: '*/30 * * * *', count: 4 }, B, '2026-03-29T01:00:00+01:00', ['2026-03-29T01:00:00+01:00', '2026-03-29T01:30:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-29T03:30:00+02:00']],
    ['every 30 minutes in the repeated autumn hour: each time fires once', { freq: 'cron', cron: '*/30 * * * *', count: 5 }, B, '2026-10-25T01:30:00+02:00', ['2026-10-25T01:30:00+02:00', '2026-10-25T02:00:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-25T03:00:00+01:00', '2026-10-25T03:30:00+01:00']],
    ['daily 02:30 by cron moves to 03:00 on the spring day, like a daily rule', { freq: 'cron', cron: '30 2 * * *', count: 3 }, B, '2026-03-28T00:00:00+01:00', ['2026-03-28T02:30:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00']],
    ['daily 02:30 by cron fires once on the autumn day', { freq: 'cron', cron: '30 2 * * *', count: 3 }, B, '2026-10-24T00:00:00+02:00', ['2026-10-24T02:30:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00']],
    ['hourly in New York on the autumn day: 01:00 once, then 02:00 standard time', { freq: 'cron', cron: '0 * * * *', count: 3 }, 'America/New_York', '2026-11-01T00:00:00-04:00', ['2026-11-01T00:00:00-04:00', '2026-11-01T01:00:00-04:00', '2026-11-01T02:00:00-05:00']],
  ]);
});

describe('nextAfter', () => {
  const daily = rule({ freq: 'daily' });
  const start = new Date('2016-05-01T09:00:00+02:00');

  it('finds the next of a series started ten years ago', () => {
    assert.equal(nextAfter(daily, start, new Date('2026-03-28T12:00:00+01:00'))?.toISOString(), '2026-03-29T07:00:00.000Z');
  });

  it('is strictly after: an occurrence itself gives the following one', () => {
    assert.equal(nextAfter(daily, start, new Date('2026-03-29T09:00:00+02:00'))?.toISOString(), '2026-03-30T07:00:00.000Z');
  });

  it('gives the start itself when asked before the start', () => {
    assert.equal(nextAfter(daily, start, new Date('2000-01-01T00:00:00Z'))?.toISOString(), start.toISOString());
  });

  it('gives null after the last of a counted series', () => {
    const counted = rule({ freq: 'daily', count: 3 });
    assert.equal(nextAfter(counted, start, new Date('2016-05-02T09:00:00+02:00'))?.toISOString(), '2016-05-03T07:00:00.000Z');
    assert.equal(nextAfter(counted, start, new Date('2016-05-03T09:00:00+02:00')), null);
  });

  it('gives null after until', () => {
    assert.equal(nextAfter(rule({ freq: 'daily', until: '2026-01-01T09:00:00+01:00' }), start, new Date('2026-01-01T09:00:00+01:00')), null);
  });

  it('gives null for a rule that can never match', () => {
    assert.equal(nextAfter(rule({ freq: 'daily', interval: 7, by_weekday: ['TU'] }), new Date('2026-01-05T09:00:00+01:00'), new Date('2026-01-01T00:00:00Z')), null);
  });

  it('moves from the last occurrence in a skipped hour to the next day (Samoa, 2011)', () => {
    const samoa = rule({ freq: 'daily' }, 'Pacific/Apia');
    const from = new Date('2011-12-28T09:00:00-10:00');
    assert.equal(nextAfter(samoa, from, new Date('2011-12-29T09:00:00-10:00'))?.toISOString(), '2011-12-30T10:00:00.000Z');
  });
});

describe('between', () => {
  const every5 = rule({ freq: 'cron', cron: '*/5 * * * *' }, 'UTC');
  const start = new Date('2026-01-01T00:00:00Z');

  it('gives the occurrences after `from` up to and including `to`, oldest first', () => {
    const got = between(every5, start, new Date('2026-05-01T10:00:00Z'), new Date('2026-05-01T10:15:00Z'), 100);
    assert.deepEqual(got.map((d) => d.toISOString()), ['2026-05-01T10:05:00.000Z', '2026-05-01T10:10:00.000Z', '2026-05-01T10:15:00.000Z']);
  });

  it('stops at the limit, keeping the oldest', () => {
    const got = between(every5, start, new Date('2026-05-01T10:00:00Z'), new Date('2026-05-01T12:00:00Z'), 2);
    assert.deepEqual(got.map((d) => d.toISOString()), ['2026-05-01T10:05:00.000Z', '2026-05-01T10:10:00.000Z']);
  });

  it('gives nothing when no occurrence falls in the window', () => {
    assert.deepEqual(between(every5, start, new Date('2026-05-01T10:00:00Z'), new Date('2026-05-01T10:04:59Z'), 10), []);
  });
});

describe('occurrences', () => {
  it('is a lazy generator: an unbounded series yields as many as asked', () => {
    let n = 0;
    for (const _ of occurrences(rule({ freq: 'cron', cron: '* * * * *' }), new Date('2026-01-01T00:00:00Z'))) if (++n === 5000) break;
    assert.equal(n, 5000);
  });
});
