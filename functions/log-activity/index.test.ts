import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../shared/config.ts';
import { db } from '../../shared/db/client.ts';
import { taskEvent } from '../../shared/events/task-events.ts';
import { withRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';
import { logActivity } from './index.ts';
import { clientFor, eventually, loadHost, request, serve } from '../../test/helpers.ts';

const sql = db();

const app = serve(loadHost);

const deliver = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/cloudevents+json' }) =>
  request(app.url(), 'POST', '/events/log-activity', { body: JSON.stringify(body), headers });

function createdEvent(user = `user-${randomUUID()}`) {
  const now = new Date().toISOString();
  const task = {
    id: randomUUID(), title: 'from an event', description: '', priority: 'medium' as const, due_at: null, tags: [],
    completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null,
  };
  return { user, event: taskEvent('com.taskfn.task.created', 'create-task', { user_id: user, task }).event };
}

const activityRows = (eventId: string) => sql`select * from activity_log where event_id = ${eventId}`;

describe('log-activity', () => {
  it('records every task change in order through the outbox and the local transport', async () => {
    const c = await clientFor(app.url());
    const t = (await c.post('/api/tasks', { title: 'tracked', tags: ['a'] })).body;
    await c.patch(`/api/tasks/${t.id}`, { title: 'tracked!', priority: 'high' });
    await c.post(`/api/tasks/${t.id}/complete`);
    await c.post(`/api/tasks/${t.id}/uncomplete`);
    await c.delete(`/api/tasks/${t.id}`);
    const res = await eventually(async () => {
      const r = await c.get(`/api/activity?entity_id=${t.id}`);
      return r.body.items.length === 5 && r;
    });
    assert.deepEqual(res.body.items.map((a: { type: string }) => a.type).reverse(), [
      'task.created', 'task.updated', 'task.completed', 'task.uncompleted', 'task.deleted',
    ]);
    const updated = res.body.items.find((a: { type: string }) => a.type === 'task.updated');
    assert.deepEqual(updated.details.changed, ['title', 'priority']);
  });

  it('writes no event for a change that did not happen (409) or changed nothing', async () => {
    const c = await clientFor(app.url());
    const t = (await c.post('/api/tasks', { title: 'quiet' })).body;
    assert.equal((await c.patch(`/api/tasks/${t.id}`, { title: 'x', version: 7 })).status, 409);
    assert.equal((await c.patch(`/api/tasks/${t.id}`, { title: 'quiet' })).body.version, 1);
    assert.equal((await c.post(`/api/tasks/${t.id}/uncomplete`)).body.version, 1);
    const rows = await sql`select type from outbox where event->>'subject' = ${t.id}`;
    assert.deepEqual(rows.map((r) => r.type), ['com.taskfn.task.created']);
  });

  it('emits task.updated naming tags for each task whose tag is renamed', async () => {
    const c = await clientFor(app.url());
    const t = (await c.post('/api/tasks', { title: 'tagged', tags: ['old'] })).body;
    const tag = (await c.get('/api/tags')).body.items[0];
    await c.patch(`/api/tags/${tag.id}`, { name: 'new' });
    const [row] = await eventually(async () => {
      const rows = await sql`select type, event from outbox where event->>'subject' = ${t.id} and type = 'com.taskfn.task.updated'`;
      return rows.length > 0 && rows;
    });
    assert.deepEqual(row!.event.data.changed, ['tags']);
    assert.deepEqual(row!.event.data.task.tags, ['new']);
  });

  it('adds one row however often the same event is delivered', async () => {
    const { event } = createdEvent();
    for (let i = 0; i < 5; i++) {
      const res = await deliver(event);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'SUCCESS' });
    }
    assert.equal((await activityRows(event.id)).length, 1);
  });

  it('answers DROP for a poison event, keeps it in the dead-letter store, and goes on with the next', async () => {
    const poison = { ...createdEvent().event, id: randomUUID(), data: { user_id: 'x', task: { id: 'not-a-task' } } };
    const res = await deliver(poison);
    assert.deepEqual(res.body, { status: 'DROP' });
    const [dead] = await sql`select consumer, reason from dead_letters where event_id = ${poison.id}`;
    assert.equal(dead!.consumer, 'log-activity');
    assert.match(dead!.reason, /data does not match com\.taskfn\.task\.created/);
    const next = createdEvent().event;
    assert.deepEqual((await deliver(next)).body, { status: 'SUCCESS' });
    assert.equal((await activityRows(next.id)).length, 1);
  });

  it('records a batch in one pass: one row per event however often it repeats, the poison event dead-lettered', async () => {
    const events = Array.from({ length: 50 }, () => createdEvent().event);
    const poison = { ...createdEvent().event, id: randomUUID(), data: { user_id: 'x' } };
    const batch = [...events, events[0]!, poison, events[1]!].map((event) => ({ key: event.partitionkey ?? '', event }));
    const outcomes = await logActivity.subscriber.handleBatch!(batch);
    assert.deepEqual(outcomes, [...events.map(() => 'SUCCESS'), 'SUCCESS', 'DROP', 'SUCCESS']);
    const [rows] = await sql`select count(*)::int as n from activity_log where event_id = any(${events.map((e) => e.id)})`;
    assert.equal(rows!.n, 50);
    const [dead] = await sql`select consumer from dead_letters where event_id = ${poison.id}`;
    assert.equal(dead!.consumer, 'log-activity');
  });

  it('keeps titles with quotes, backslashes, braces, commas and emoji exactly, several to a batch', async () => {
    const titles = ['say "hi"', 'C:\\temp\\{x}', '{a,b}', 'NULL', 'café 🎉', ''];
    const events = titles.map((title) => {
      const now = new Date().toISOString();
      const task = {
        id: randomUUID(), title, description: '', priority: 'low' as const, due_at: null, tags: [],
        completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null,
      };
      return taskEvent('com.taskfn.task.created', 'create-task', { user_id: `user-${randomUUID()}`, task }).event;
    });
    const outcomes = await logActivity.subscriber.handleBatch!(events.map((event) => ({ key: event.partitionkey ?? '', event })));
    assert.deepEqual(outcomes, titles.map(() => 'SUCCESS'));
    const rows = await sql<{ event_id: string; details: { title: string } }[]>`select event_id, details from activity_log where event_id = any(${events.map((e) => e.id)})`;
    assert.deepEqual(new Map(rows.map((r) => [r.event_id, r.details.title])), new Map(events.map((e, i) => [e.id, titles[i]])));
  });

  it("records a batch as the very first query of a fresh pool, as a lone function's first event does", async () => {
    const fresh = createRuntime(loadConfig(process.env));
    try {
      const events = [createdEvent().event, createdEvent().event];
      const outcomes = await withRuntime(fresh, () => logActivity.subscriber.handleBatch!(events.map((event) => ({ key: event.partitionkey ?? '', event }))));
      assert.deepEqual(outcomes, ['SUCCESS', 'SUCCESS']);
      const [rows] = await sql`select count(*)::int as n from activity_log where event_id = any(${events.map((e) => e.id)})`;
      assert.equal(rows!.n, 2);
    } finally {
      await fresh.close();
    }
  });

  it('takes a structured (Dapr) and a binary (Knative) CloudEvent alike', async () => {
    const structured = createdEvent().event;
    assert.deepEqual((await deliver(structured)).body, { status: 'SUCCESS' });
    const { data, ...attributes } = createdEvent().event;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(attributes)) if (k !== 'datacontenttype' && v !== undefined) headers[`ce-${k}`] = v as string;
    assert.deepEqual((await deliver(data, headers)).body, { status: 'SUCCESS' });
    assert.equal((await activityRows(structured.id)).length, 1);
    assert.equal((await activityRows(attributes.id)).length, 1);
  });

  it('answers 400 for a body that is not a CloudEvent at all', async () => {
    const res = await deliver({ hello: 'world' }, { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'not_a_cloudevent');
  });

  it('lists every event function at GET /dapr/subscribe with its route and dead-letter topic', async () => {
    const res = await request(app.url(), 'GET', '/dapr/subscribe');
    assert.equal(res.status, 200);
    const sub = (name: string, topic: string) => ({ pubsubname: 'pubsub', topic, routes: { default: `/events/${name}` }, deadLetterTopic: `${topic}-dlq` });
    assert.deepEqual(res.body, [
      sub('log-activity', 'task-events'), sub('recur-on-complete', 'task-events'),
      sub('reminder-fire', 'reminder-events'), sub('notify', 'notification-events'),
    ]);
  });
});
