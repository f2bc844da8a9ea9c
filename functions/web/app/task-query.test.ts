import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultFilters, startOfDay, taskQuery } from './task-query.ts';

const clock = { now: new Date('2025-12-05T09:00:00Z'), timeZone: 'Europe/Berlin' };

describe('the task list query', () => {
  it('asks for open tasks newest first by default, 50 at a time', () => {
    assert.equal(taskQuery(defaultFilters, clock).toString(), 'status=open&sort=created_at&limit=50');
  });

  it('asks Today for tasks due between midnight and midnight in the user\'s zone', () => {
    const q = taskQuery({ ...defaultFilters, view: 'today' }, clock);
    assert.deepEqual([q.get('due_after'), q.get('due_before'), q.get('sort')], ['2025-12-04T23:00:00.000Z', '2025-12-05T23:00:00.000Z', 'due_at']);
  });

  it('finds midnight across a daylight saving change (Berlin, 30 March 2025: 23 hours long)', () => {
    const day = { now: new Date('2025-03-30T10:00:00Z'), timeZone: 'Europe/Berlin' };
    assert.equal(startOfDay(day).toISOString(), '2025-03-29T23:00:00.000Z');
    assert.equal(startOfDay(day, 1).toISOString(), '2025-03-30T22:00:00.000Z');
  });

  it('asks Overdue with overdue=true, and passes search, priorities, a tag and the next page\'s cursor', () => {
    const q = taskQuery({ ...defaultFilters, view: 'overdue', q: ' rent ', priority: ['high', 'critical'], tag: 'home' }, clock, { cursor: 'abc' });
    assert.equal(q.toString(), 'status=open&q=rent&priority=high%2Ccritical&tag=home&overdue=true&sort=due_at&limit=50&cursor=abc');
  });
});
