import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formOf, noRule, reminderForm, reminderInput, ruleOf } from './recurrence-form.ts';

describe('the recurrence editor', () => {
  const rules = [
    { freq: 'daily', interval: 1, mode: 'on_completion', from: 'due' },
    { freq: 'weekly', interval: 2, mode: 'schedule', from: 'due', by_weekday: ['MO', 'FR'] },
    { freq: 'monthly', interval: 1, mode: 'on_completion', from: 'due', by_month_day: [-1] },
    { freq: 'monthly', interval: 1, mode: 'on_completion', from: 'due', by_weekday: ['2TU'], count: 5 },
    { freq: 'daily', interval: 3, mode: 'on_completion', from: 'completion' },
  ] as const;
  for (const rule of rules) {
    it(`gives back ${JSON.stringify(rule)} from its own fields`, () => assert.deepEqual(ruleOf(formOf(rule as never)), rule));
  }

  it('makes no rule for "does not repeat", and no fields for a cron rule it cannot show', () => {
    assert.equal(ruleOf(noRule), null);
    assert.equal(formOf({ freq: 'cron', cron: '0 9 * * 1' }).freq, 'none');
  });

  it('orders weekdays Monday first, whatever order they were ticked in', () => {
    assert.deepEqual(ruleOf({ ...noRule, freq: 'weekly', weekdays: ['SU', 'MO', 'WE'] })?.by_weekday, ['MO', 'WE', 'SU']);
  });
});

describe('the reminder fields', () => {
  const offsets: [string, string][] = [
    ['PT30M', '30 minutes'],
    ['PT2H', '2 hours'],
    ['PT90M', '90 minutes'],
    ['P1D', '1 days'],
    ['PT48H', '2 days'],
  ];
  for (const [offset, shown] of offsets) {
    it(`shows ${offset} as ${shown} before`, () => {
      const f = reminderForm({ offset, at: null });
      assert.equal(f.kind === 'before' ? `${f.amount} ${f.unit}` : '', shown);
    });
  }

  it('writes an amount and unit as an ISO duration, and leaves out an empty one', () => {
    assert.deepEqual(reminderInput({ kind: 'before', amount: 15, unit: 'minutes' }), { offset: 'PT15M' });
    assert.deepEqual(reminderInput({ kind: 'before', amount: 3, unit: 'days' }), { offset: 'P3D' });
    assert.equal(reminderInput({ kind: 'before', amount: 0, unit: 'hours' }), null);
    assert.equal(reminderInput({ kind: 'at', at: '' }), null);
  });
});
