import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { type Client, clientFor, eventually, loadHost, request, serve } from '../../test/helpers.ts';

const sql = db();

const app = serve(loadHost);

interface T {
  id: string;
  title: string;
  due_at: string;
  completed: boolean;
  tags: string[];
  recurring_task_id: string;
}

const tasks = async (c: Client): Promise<T[]> => (await c.get('/api/tasks?status=all&sort=due_at')).body.items;

/** Resolves once recur-on-complete has handled the given task's latest completion event. */
async function handled(taskId: string) {
  await eventually(async () => {
    const [row] = await sql`
      select 1 from outbox o
      join processed_events p on p.event_id = o.event_id::text and p.consumer = 'recur-on-complete'
      where o.event->>'subject' = ${taskId} and o.type = 'com.taskfn.task.completed'
      order by o.id desc limit 1`;
    return row;
  });
}

describe('recur-on-complete', () => {
  it('completing a recurring task creates the next one from its due time, once however often it is completed', async () => {
    const c = await clientFor(app.url());
    const first = (await c.post('/api/tasks', {
      title: 'water plants', due_at: '2030-05-06T09:00:00+02:00', tags: ['home'], reminders: [{ offset: 'PT30M' }],
      recurrence: { freq: 'daily', interval: 2, timezone: 'Europe/Berlin' },
    })).body as T;
    assert.ok(first.recurring_task_id);
    await c.post(`/api/tasks/${first.id}/complete`);
    const [, next] = await eventually(async () => {
      const all = await tasks(c);
      return all.length === 2 && all;
    });
    assert.deepEqual([next!.title, next!.due_at, next!.tags, next!.completed, next!.recurring_task_id], ['water plants', '2030-05-08T07:00:00.000Z', ['home'], false, first.recurring_task_id]);
    const reminders = (await c.get(`/api/tasks/${next!.id}/reminders`)).body.items;
    assert.deepEqual(reminders.map((r: { offset: string; fire_at: string }) => [r.offset, r.fire_at]), [['PT30M', '2030-05-08T06:30:00.000Z']]);

    await c.post(`/api/tasks/${first.id}/uncomplete`);
    await c.post(`/api/tasks/${first.id}/complete`);
    await handled(first.id);
    assert.equal((await tasks(c)).length, 2, 'reopening and completing again creates no second successor');
  });

  it('a redelivered task.completed event creates no second task', async () => {
    const c = await clientFor(app.url());
    const first = (await c.post('/api/tasks', { title: 'stretch', due_at: '2030-05-06T07:00:00Z', recurrence: { freq: 'daily', timezone: 'UTC' } })).body as T;
    await c.post(`/api/tasks/${first.id}/complete`);
    await handled(first.id);
    const [row] = await sql`select event from outbox where event->>'subject' = ${first.id} and type = 'com.taskfn.task.completed'`;
    for (let i = 0; i < 3; i++) {
      const res = await request(app.url(), 'POST', '/events/recur-on-complete', { body: JSON.stringify(row!.event), headers: { 'content-type': 'application/cloudevents+json' } });
      assert.deepEqual(res.body, { status: 'SUCCESS' });
    }
    assert.equal((await tasks(c)).length, 2);
  });

  it('completing a recurring task and deleting it at once still makes the next one, once however often the event comes', async () => {
    // The handler used to read the task row, already deleted when its event arrived.
    const c = await clientFor(app.url());
    const first = (await c.post('/api/tasks', {
      title: 'feed cat', due_at: '2030-05-06T07:00:00Z', tags: ['home'], reminders: [{ offset: 'PT15M' }], recurrence: { freq: 'daily', timezone: 'UTC' },
    })).body as T;
    await c.post(`/api/tasks/${first.id}/complete`);
    await c.delete(`/api/tasks/${first.id}`);
    await handled(first.id);
    // Replay the event as if it had arrived only now, after the delete: forget it was handled, and what it made.
    const [row] = await sql`select event from outbox where event->>'subject' = ${first.id} and type = 'com.taskfn.task.completed'`;
    await sql`delete from processed_events where consumer = 'recur-on-complete' and event_id = ${row!.event.id}`;
    await sql`delete from tasks where recurring_task_id = ${first.recurring_task_id} and id <> ${first.id}`;
    for (let i = 0; i < 2; i++) {
      const res = await request(app.url(), 'POST', '/events/recur-on-complete', { body: JSON.stringify(row!.event), headers: { 'content-type': 'application/cloudevents+json' } });
      assert.deepEqual(res.body, { status: 'SUCCESS' });
    }
    const all = await tasks(c);
    assert.deepEqual(all.map((t) => [t.title, t.due_at, t.tags]), [['feed cat', '2030-05-07T07:00:00.000Z', ['home']]]);
    const reminders = (await c.get(`/api/tasks/${all[0]!.id}/reminders`)).body.items;
    assert.deepEqual(reminders.map((r: { offset: string }) => r.offset), ['PT15M']);
  });

  it('from completion ("every!"): the next is one step after the completion day, at the series time of day', async () => {
    const c = await clientFor(app.url());
    const first = (await c.post('/api/tasks', {
      title: 'haircut', due_at: '2020-01-06T10:00:00Z', recurrence: { freq: 'daily', interval: 30, from: 'completion', timezone: 'UTC' },
    })).body as T;
    const completed = (await c.post(`/api/tasks/${first.id}/complete`)).body as { completed_at: string };
    const next = await eventually(async () => (await tasks(c)).find((t) => t.id !== first.id));
    const day = completed.completed_at.slice(0, 10);
    const expected = new Date(Date.parse(`${day}T10:00:00Z`) + 30 * 86_400_000).toISOString();
    assert.equal(next.due_at, expected);
  });

  it('stops at the count, and a deactivated template creates nothing more', async () => {
    const c = await clientFor(app.url());
    const first = (await c.post('/api/tasks', { title: 'twice', due_at: '2030-01-01T09:00:00Z', recurrence: { freq: 'weekly', count: 2, timezone: 'UTC' } })).body as T;
    await c.post(`/api/tasks/${first.id}/complete`);
    const second = await eventually(async () => (await tasks(c)).find((t) => t.id !== first.id));
    await c.post(`/api/tasks/${second.id}/complete`);
    await handled(second.id);
    assert.equal((await tasks(c)).length, 2);

    const other = (await c.post('/api/tasks', { title: 'paused', due_at: '2030-01-01T09:00:00Z', recurrence: { freq: 'daily', timezone: 'UTC' } })).body as T;
    await c.delete(`/api/recurring-tasks/${other.recurring_task_id}`);
    await c.post(`/api/tasks/${other.id}/complete`);
    await handled(other.id);
    assert.equal((await tasks(c)).filter((t) => t.title === 'paused').length, 1);
  });
});
