import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { Recurrence, checkSeries, resolveRule } from './index.ts';

const issuesOf = (input: unknown) => {
  const result = Recurrence.safeParse(input);
  assert.equal(result.success, false, `expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues;
};

describe('Recurrence schema', () => {
  it('fills in interval 1, mode on_completion and from due', () => {
    assert.deepEqual(Recurrence.parse({ freq: 'daily' }), { freq: 'daily', interval: 1, mode: 'on_completion', from: 'due' });
  });

  const good: object[] = [
    { freq: 'weekly', interval: 2, by_weekday: ['MO', 'WE'] },
    { freq: 'daily', by_weekday: ['MO', 'TU', 'WE', 'TH', 'FR'] },
    { freq: 'monthly', by_month_day: [1, -1] },
    { freq: 'monthly', by_weekday: ['2TU', '-1FR', '+1MO', 'SA'] },
    { freq: 'yearly', by_weekday: ['-1FR', '53MO'] },
    { freq: 'yearly', by_month: [11], by_weekday: ['4TH'] },
    { freq: 'cron', cron: '0 9 * * 1-5', timezone: 'America/New_York' },
    { freq: 'cron', cron: '0 18 L * *', interval: 1 },
    { freq: 'daily', until: '2027-01-01T00:00:00+01:00', mode: 'schedule', from: 'completion' },
    { freq: 'daily', count: 1000 },
  ];
  for (const input of good) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.equal(Recurrence.safeParse(input).success, true));
  }

  // Each bad input, and the issue path that must name the field at fault.
  const bad: [string, unknown, (string | number)[]][] = [
    ['no freq', {}, ['freq']],
    ['an unknown freq', { freq: 'hourly' }, ['freq']],
    ['interval 0', { freq: 'daily', interval: 0 }, ['interval']],
    ['interval 1001', { freq: 'daily', interval: 1001 }, ['interval']],
    ['a fractional interval', { freq: 'daily', interval: 1.5 }, ['interval']],
    ['an unknown weekday', { freq: 'weekly', by_weekday: ['MO', 'XX'] }, ['by_weekday', 1]],
    ['a lower-case weekday', { freq: 'weekly', by_weekday: ['mo'] }, ['by_weekday', 0]],
    ['an nth weekday in a weekly rule', { freq: 'weekly', by_weekday: ['MO', '2TU'] }, ['by_weekday', 1]],
    ['an nth weekday in a daily rule', { freq: 'daily', by_weekday: ['-1FR'] }, ['by_weekday', 0]],
    ['a 6th weekday of a month', { freq: 'monthly', by_weekday: ['6MO'] }, ['by_weekday', 0]],
    ['a 0th weekday', { freq: 'monthly', by_weekday: ['0MO'] }, ['by_weekday', 0]],
    ['a 54th weekday of a year', { freq: 'yearly', by_weekday: ['54MO'] }, ['by_weekday', 0]],
    ['a 6th weekday of a named month', { freq: 'yearly', by_month: [2], by_weekday: ['-6SU'] }, ['by_weekday', 0]],
    ['an empty weekday list', { freq: 'weekly', by_weekday: [] }, ['by_weekday']],
    ['day of month 0', { freq: 'monthly', by_month_day: [0] }, ['by_month_day', 0]],
    ['day of month 32', { freq: 'monthly', by_month_day: [1, 32] }, ['by_month_day', 1]],
    ['day of month -32', { freq: 'monthly', by_month_day: [-32] }, ['by_month_day', 0]],
    ['days of month in a weekly rule', { freq: 'weekly', by_month_day: [1] }, ['by_month_day']],
    ['days of month and weekdays together', { freq: 'monthly', by_month_day: [13], by_weekday: ['FR'] }, ['by_weekday']],
    ['month 13', { freq: 'yearly', by_month: [13] }, ['by_month', 0]],
    ['months in a monthly rule', { freq: 'monthly', by_month: [1] }, ['by_month']],
    ['cron without an expression', { freq: 'cron' }, ['cron']],
    ['an expression without freq cron', { freq: 'daily', cron: '0 9 * * *' }, ['cron']],
    ['a minute out of range', { freq: 'cron', cron: '61 * * * *' }, ['cron']],
    ['four cron fields', { freq: 'cron', cron: '0 9 * *' }, ['cron']],
    ['six cron fields (seconds)', { freq: 'cron', cron: '0 0 9 * * *' }, ['cron']],
    ['a cron alias', { freq: 'cron', cron: '@daily' }, ['cron']],
    ['random cron values', { freq: 'cron', cron: 'H 9 * * *' }, ['cron']],
    ['gibberish for cron', { freq: 'cron', cron: 'every day please' }, ['cron']],
    ['February 30th in cron', { freq: 'cron', cron: '0 0 30 2 *' }, ['cron']],
    ['an interval with cron', { freq: 'cron', cron: '0 9 * * *', interval: 2 }, ['interval']],
    ['weekdays with cron', { freq: 'cron', cron: '0 9 * * *', by_weekday: ['MO'] }, ['by_weekday']],
    ['an until without an offset', { freq: 'daily', until: '2027-01-01T00:00:00' }, ['until']],
    ['an until that is a date only', { freq: 'daily', until: '2027-01-01' }, ['until']],
    ['February 30th as until', { freq: 'daily', until: '2027-02-30T00:00:00Z' }, ['until']],
    ['count 0', { freq: 'daily', count: 0 }, ['count']],
    ['count 1001', { freq: 'daily', count: 1001 }, ['count']],
    ['until and count together', { freq: 'daily', count: 3, until: '2027-01-01T00:00:00Z' }, ['count']],
    ['an unknown time zone', { freq: 'daily', timezone: 'Mars/Olympus_Mons' }, ['timezone']],
    ['an unknown mode', { freq: 'daily', mode: 'sometimes' }, ['mode']],
    ['an unknown from', { freq: 'daily', from: 'creation' }, ['from']],
  ];
  for (const [what, input, path] of bad) {
    it(`refuses ${what}, naming ${path.join('.')}`, () => {
      assert.deepEqual(
        issuesOf(input).map((i) => i.path),
        [path],
      );
    });
  }

  it('refuses an unknown field by name', () => {
    const [issue] = issuesOf({ freq: 'daily', byday: ['MO'] });
    assert.equal(issue?.code, 'unrecognized_keys');
    assert.deepEqual(issue.keys, ['byday']);
  });

  it('says what a bad cron expression got wrong', () => {
    assert.match(issuesOf({ freq: 'cron', cron: '61 * * * *' })[0]?.message ?? '', /61/);
  });
});

describe('resolveRule', () => {
  it("takes the user's zone when the rule names none", () => {
    assert.equal(resolveRule(Recurrence.parse({ freq: 'daily' }), 'Asia/Kathmandu').timezone, 'Asia/Kathmandu');
  });

  it("keeps the rule's own zone", () => {
    const rule = Recurrence.parse({ freq: 'daily', timezone: 'Europe/Berlin' });
    assert.equal(resolveRule(rule, 'Asia/Kathmandu').timezone, 'Europe/Berlin');
  });
});

describe('checkSeries', () => {
  const rule = resolveRule(Recurrence.parse({ freq: 'daily', until: '2026-03-01T09:00:00+01:00' }), 'Europe/Berlin');

  it('refuses an until before the start, naming recurrence.until', () => {
    assert.throws(
      () => checkSeries(rule, new Date('2026-03-01T09:00:01+01:00')),
      (err: unknown) =>
        err instanceof ValidationError &&
        err.status === 400 &&
        JSON.stringify(err.details) === JSON.stringify([{ in: 'body', path: 'recurrence.until', message: 'is before the start: the series would end before it starts' }]),
    );
  });

  it('accepts an until equal to the start', () => {
    assert.doesNotThrow(() => checkSeries(rule, new Date('2026-03-01T08:00:00Z')));
  });
});
