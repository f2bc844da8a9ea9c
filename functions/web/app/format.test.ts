import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRule, formatDue } from './format.ts';

const clock = { now: new Date('2025-12-05T09:00:00Z'), timeZone: 'Europe/Berlin' };

describe('formatting', () => {
  const dues: [string, string][] = [
    ['2025-12-05T16:00:00Z', 'today 17:00'],
    ['2025-12-06T08:00:00Z', 'tomorrow 09:00'],
    ['2025-12-04T23:30:00Z', 'today 00:30'],
    ['2025-12-04T22:30:00Z', 'yesterday 23:30'],
    ['2025-12-09T08:00:00Z', 'Tue 9 Dec 09:00'],
    ['2025-12-20T08:00:00Z', '20 Dec 09:00'],
    ['2026-02-01T08:00:00Z', '1 Feb 2026 09:00'],
  ];
  for (const [iso, text] of dues) {
    it(`writes ${iso} as "${text}" in Berlin`, () => assert.equal(formatDue(iso, clock), text));
  }

  const rules: [Parameters<typeof describeRule>[0], string][] = [
    [{ freq: 'daily' }, 'every day'],
    [{ freq: 'weekly', interval: 2, by_weekday: ['MO', 'FR'] }, 'every 2 weeks on Monday and Friday'],
    [{ freq: 'monthly', by_weekday: ['-1FR'] }, 'every month on last Friday'],
    [{ freq: 'monthly', by_month_day: [1, 15] }, 'every month on the 1st and 15th'],
    [{ freq: 'daily', count: 5, from: 'completion' }, 'every day after completion, 5 times'],
  ];
  for (const [rule, text] of rules) {
    it(`describes ${JSON.stringify(rule)} as "${text}"`, () => assert.equal(describeRule(rule), text));
  }
});
