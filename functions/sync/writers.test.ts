import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../shared/config.ts';
import { log } from '../../shared/observability/log.ts';
import { withRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';
import { tick } from '../../shared/time/tick.ts';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

// Every writer reaches the log: chat and its undo, the cron tick's recurring instances, reminders,
// and all of them with every task event switched off (sync is state, not an optional event).
const quiet = createRuntime(
  loadConfig({ ...process.env, EVENTS_OFF: 'com.taskfn.task.created,com.taskfn.task.updated,com.taskfn.task.deleted,com.taskfn.task.completed,com.taskfn.task.uncompleted' }),
);
const app = serve(() => withRuntime(quiet, loadHost), () => quiet);

type Change = { entity: string; id: string; op: string; data: Record<string, unknown> | null };

async function cursorOf(c: Client): Promise<string> {
  let res = await c.get('/api/sync');
  while (res.body.more) res = await c.get(`/api/sync?cursor=${res.body.cursor}`);
  return res.body.cursor;
}

async function changesAfter(c: Client, cursor: string): Promise<{ changes: Change[]; cursor: string }> {
  const res = await c.get(`/api/sync?cursor=${cursor}`);
  assert.equal(res.status, 200);
  return res.body;
}

describe('what reaches the sync log', () => {
  it('logs task changes while EVENTS_OFF switches every task event off', async () => {
    const c = await clientFor(app.url());
    const cursor = await cursorOf(c);
    const task = (await c.post('/api/tasks', { title: 'quiet' })).body;
    await c.post(`/api/tasks/${task.id}/complete`);
    const { sql } = quiet;
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where partition_key = ${c.user}`;
    assert.equal(n, 0);
    const { changes } = await changesAfter(c, cursor);
    assert.deepEqual(changes.map((ch) => [ch.entity, ch.id, ch.data?.completed]), [['task', task.id, true]]);
  });

  it('logs what chat does, and what its undo takes back', async () => {
    const c = await clientFor(app.url());
    const cursor = await cursorOf(c);
    const turn = await c.post('/api/chat', { message: 'add buy oat milk' });
    assert.equal(turn.status, 200);
    const made = await changesAfter(c, cursor);
    assert.deepEqual(made.changes.map((ch) => [ch.entity, ch.op, ch.data?.title]), [['task', 'upsert', 'buy oat milk']]);
    assert.equal((await c.post(`/api/chat/${turn.body.conversation_id}/undo`)).status, 200);
    const undone = await changesAfter(c, made.cursor);
    assert.deepEqual(undone.changes.map((ch) => [ch.entity, ch.id, ch.op]), [['task', made.changes[0]!.id, 'delete']]);
  });

  it("logs the tasks the cron tick makes for a schedule template", async () => {
    const c = await clientFor(app.url());
    const t0 = '2031-03-03T09:00:00.000Z';
    const template = await c.post('/api/recurring-tasks', {
      title: 'stand-up', recurrence: { freq: 'cron', cron: '0 9 * * *', mode: 'schedule', timezone: 'UTC' }, starts_at: t0,
    });
    assert.equal(template.status, 201);
    const cursor = await cursorOf(c);
    await withRuntime(quiet, () => tick(log, new Date(t0)));
    const { changes } = await changesAfter(c, cursor);
    assert.deepEqual(changes.map((ch) => [ch.entity, ch.data?.title, ch.data?.recurring_task_id]), [['task', 'stand-up', template.body.id]]);
  });

  it('logs reminders as they are set, moved with their task, and deleted', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'call', due_at: '2099-05-01T10:00:00Z' })).body;
    const first = await cursorOf(c);
    const [reminder] = (await c.put(`/api/tasks/${task.id}/reminders`, [{ offset: 'PT1H' }])).body.items;
    const set = await changesAfter(c, first);
    assert.deepEqual(set.changes.map((ch) => [ch.entity, ch.id, ch.data?.fire_at]), [['reminder', reminder.id, '2099-05-01T09:00:00.000Z']]);
    await c.patch(`/api/tasks/${task.id}`, { due_at: '2099-05-02T10:00:00Z' });
    const moved = await changesAfter(c, set.cursor);
    assert.deepEqual(moved.changes.map((ch) => [ch.entity, ch.data?.fire_at ?? ch.data?.due_at]), [['task', '2099-05-02T10:00:00.000Z'], ['reminder', '2099-05-02T09:00:00.000Z']]);
    assert.equal((await c.delete(`/api/tasks/${task.id}/reminders/${reminder.id}`)).status, 204);
    const deleted = await changesAfter(c, moved.cursor);
    assert.deepEqual(deleted.changes.map((ch) => [ch.entity, ch.id, ch.op]), [['reminder', reminder.id, 'delete']]);
  });
});
