import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readQuickAdd } from './quick-add.ts';

// Friday 5 December 2025, 10:00 in Berlin.
const clock = { now: new Date('2025-12-05T09:00:00Z'), timeZone: 'Europe/Berlin' };

describe('quick add', () => {
  it('shows title, due, tags, priority and repeat for "pay rent on the 1st of every month #home high priority"', () => {
    const read = readQuickAdd('pay rent on the 1st of every month #home high priority', clock);
    assert.equal(read.kind, 'task');
    if (read.kind !== 'task') return;
    assert.deepEqual(read.chips, [
      { label: 'Title', value: 'pay rent' },
      { label: 'Due', value: '1 Jan 2026 09:00' },
      { label: 'Tags', value: '#home' },
      { label: 'Priority', value: 'high' },
      { label: 'Repeats', value: 'every month on the 1st' },
    ]);
    assert.deepEqual(read.input.tags, ['home']);
    assert.equal(read.input.recurrence?.timezone, 'Europe/Berlin');
  });

  it('reads "water the plants every saturday #home" as a weekly task due this Saturday', () => {
    const read = readQuickAdd('water the plants every saturday #home', clock);
    assert.ok(read.kind === 'task');
    assert.deepEqual(read.chips.map((c) => c.label), ['Title', 'Due', 'Tags', 'Repeats']);
    assert.equal(read.chips[1]?.value, 'tomorrow 09:00');
    assert.equal(read.chips[3]?.value, 'every week on Saturday');
  });

  it('is empty for blank text and gives the parser\'s hint for a reminder without a due time', () => {
    assert.deepEqual(readQuickAdd('   ', clock), { kind: 'empty' });
    const read = readQuickAdd('call mom remind me an hour before', clock);
    assert.equal(read.kind, 'hint');
  });
});
