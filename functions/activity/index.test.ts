import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { type TaskEventType, taskEvent } from '../../shared/events/task-events.ts';
import { type Client, clientFor, loadHost, request, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

interface Happened {
  type: TaskEventType;
  at: string;
  taskId?: string;
  due?: string | null;
}

/** Delivers task events with chosen times straight to log-activity, as the broker would. */
async function happened(c: Client, events: Happened[]): Promise<void> {
  for (const { type, at, taskId = randomUUID(), due = null } of events) {
    const task = {
      id: taskId, title: 't', description: '', priority: 'medium' as const, due_at: due, tags: [],
      completed: type === 'com.taskfn.task.completed', completed_at: type === 'com.taskfn.task.completed' ? at : null,
      overdue: false, created_at: at, updated_at: at, version: 1,
    };
    const data = type === 'com.taskfn.task.updated' ? { user_id: c.user, task, changed: ['title' as const] } : { user_id: c.user, task };
    const { event } = taskEvent(type, 'test', data as never);
    const res = await request(app.url(), 'POST', '/events/log-activity', {
      body: JSON.stringify({ ...event, time: at }),
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    assert.deepEqual(res.body, { status: 'SUCCESS' });
  }
}

const created = 'com.taskfn.task.created' as const;

/** One test per bad query: a 400 whose details name the field. */
function refusesBadQueries(path: string, cases: [query: string, field: string][]) {
  for (const [query, field] of cases) {
    it(`answers 400 naming ${field} for ?${query}`, async () => {
      const c = await clientFor(app.url());
      const res = await c.get(`${path}?${query}`);
      assert.equal(res.status, 400);
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path.split('.')[0] === field), JSON.stringify(res.body));
    });
  }
}
const completed = 'com.taskfn.task.completed' as const;

describe('GET /api/activity', () => {
  it('lists newest first and filters by type, task and time', async () => {
    const c = await clientFor(app.url());
    const task = randomUUID();
    await happened(c, [
      { type: created, at: '2026-01-01T10:00:00Z', taskId: task },
      { type: 'com.taskfn.task.updated', at: '2026-01-02T10:00:00Z', taskId: task },
      { type: completed, at: '2026-01-03T10:00:00Z', taskId: task },
      { type: created, at: '2026-01-04T10:00:00Z' },
    ]);
    const all = await c.get('/api/activity');
    assert.deepEqual(all.body.items.map((a: { occurred_at: string }) => a.occurred_at.slice(0, 10)), ['2026-01-04', '2026-01-03', '2026-01-02', '2026-01-01']);
    assert.equal((await c.get('/api/activity?type=task.created')).body.items.length, 2);
    assert.equal((await c.get('/api/activity?type=task.created,task.completed')).body.items.length, 3);
    assert.equal((await c.get(`/api/activity?entity_id=${task}`)).body.items.length, 3);
    const window = await c.get('/api/activity?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z');
    assert.deepEqual(window.body.items.map((a: { type: string }) => a.type), ['task.updated']);
  });

  it('pages through every entry once with the cursor', async () => {
    const c = await clientFor(app.url());
    await happened(c, Array.from({ length: 7 }, (_, i) => ({ type: created, at: `2026-02-0${i + 1}T00:00:00Z` })));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await c.get(`/api/activity?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((a: { id: string }) => a.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
  });

  it("never shows another user's activity", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    const task = randomUUID();
    await happened(alice, [{ type: created, at: '2026-01-01T00:00:00Z', taskId: task }]);
    assert.deepEqual((await bob.get('/api/activity')).body.items, []);
    assert.deepEqual((await bob.get(`/api/activity?entity_id=${task}`)).body.items, []);
    const summary = await bob.get('/api/activity/summary?from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z');
    assert.deepEqual(summary.body.periods.map((p: { created: number }) => p.created), [0, 0]);
  });

  refusesBadQueries('/api/activity', [
    ['type=task.exploded', 'type'],
    ['entity_id=42', 'entity_id'],
    ['from=yesterday', 'from'],
    ['limit=500', 'limit'],
    ['cursor=nonsense', 'cursor'],
    ['user_id=bob', 'user_id'],
  ]);
});

describe('GET /api/activity/summary', () => {
  it("counts per day in the user's time zone, not UTC", async () => {
    const c = await clientFor(app.url());
    // 04:30 UTC on March 1 is still February 28 in New York (UTC-5).
    await happened(c, [
      { type: created, at: '2026-03-01T04:30:00Z' },
      { type: completed, at: '2026-03-01T05:30:00Z' },
    ]);
    const range = 'from=2026-02-28T05:00:00Z&to=2026-03-02T05:00:00Z';
    const ny = await c.get(`/api/activity/summary?period=day&tz=America/New_York&${range}`);
    assert.equal(ny.status, 200);
    assert.deepEqual(ny.body.periods, [
      { start: '2026-02-28', created: 1, completed: 0 },
      { start: '2026-03-01', created: 0, completed: 1 },
    ]);
    const utc = await c.get(`/api/activity/summary?period=day&tz=UTC&${range}`);
    assert.deepEqual(utc.body.periods.find((p: { start: string }) => p.start === '2026-03-01'), { start: '2026-03-01', created: 1, completed: 1 });
  });

  it('counts per week starting on Monday', async () => {
    const c = await clientFor(app.url());
    await happened(c, [
      { type: created, at: '2026-03-02T12:00:00Z' }, // a Monday
      { type: created, at: '2026-03-08T12:00:00Z' }, // the Sunday after
      { type: created, at: '2026-03-09T12:00:00Z' }, // the next Monday
    ]);
    const res = await c.get('/api/activity/summary?period=week&from=2026-03-02T00:00:00Z&to=2026-03-16T00:00:00Z');
    assert.deepEqual(res.body.periods, [
      { start: '2026-03-02', created: 2, completed: 0 },
      { start: '2026-03-09', created: 1, completed: 0 },
    ]);
  });

  it('reports the streak of consecutive days with a completion up to today', async () => {
    const c = await clientFor(app.url());
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    await happened(c, [0, 1, 2, 4].map((n) => ({ type: completed, at: daysAgo(n) })));
    assert.equal((await c.get('/api/activity/summary')).body.streak_days, 3);
  });

  it('reports the share of tasks completed by their due time, each task once', async () => {
    const c = await clientFor(app.url());
    const late = randomUUID();
    await happened(c, [
      { type: completed, at: '2026-04-01T10:00:00Z', due: '2026-04-01T12:00:00Z' },
      { type: completed, at: '2026-04-02T10:00:00Z', due: '2026-04-02T10:00:00Z' },
      { type: completed, at: '2026-04-03T10:00:00Z', due: '2026-04-05T10:00:00Z', taskId: late },
      { type: completed, at: '2026-04-06T10:00:00Z', due: '2026-04-05T10:00:00Z', taskId: late },
      { type: completed, at: '2026-04-04T10:00:00Z', due: null },
    ]);
    const res = await c.get('/api/activity/summary?from=2026-04-01T00:00:00Z&to=2026-04-10T00:00:00Z');
    assert.equal(res.body.completed_with_due, 3);
    assert.equal(res.body.on_time_share, 2 / 3);
  });

  refusesBadQueries('/api/activity/summary', [
    ['tz=Mars/Olympus', 'tz'],
    ['period=month', 'period'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    // Without `to`, the window ends now: the 800-day limit and the order hold all the same.
    ['from=1900-01-01T00:00:00Z', 'from'],
    ['from=9999-01-01T00:00:00Z', 'from'],
  ]);

  it('ends a window given only `from` now, and starts one given only `to` 30 days before it', async () => {
    const c = await clientFor(app.url());
    const from = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const sinceFrom = await c.get(`/api/activity/summary?from=${from}`);
    assert.equal(sinceFrom.status, 200);
    assert.equal(sinceFrom.body.from, from);
    assert.ok(Math.abs(Date.parse(sinceFrom.body.to) - Date.now()) < 60_000, sinceFrom.body.to);
    const untilTo = await c.get('/api/activity/summary?to=2026-03-31T00:00:00Z');
    assert.deepEqual([untilTo.status, untilTo.body.from, untilTo.body.periods.length], [200, '2026-03-01T00:00:00.000Z', 30]);
  });
});
