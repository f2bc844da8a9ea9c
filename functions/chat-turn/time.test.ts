import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { type Answer, type Client, clientFor, eventually, loadHost, serve } from '../../test/helpers.ts';

const sql = db();

const app = serve(loadHost);

async function say(c: Client, message: string, conversation_id?: string) {
  const res = await c.post('/api/chat', { message, ...(conversation_id ? { conversation_id } : {}) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { conversation_id: string; reply: string; actions: { tool: string; args: Record<string, unknown>; result: Answer['body'] }[] };
}

const reminders = async (c: Client, id: string) => ((await c.get(`/api/tasks/${id}/reminders`)).body.items as { offset: string | null; at: string | null }[]).map((r) => r.offset ?? r.at);
const templates = async (c: Client) => (await c.get('/api/recurring-tasks?status=all')).body.items as { id: string; active: boolean; recurrence: Record<string, unknown> }[];

/** The wall-clock date and time of an instant in a zone: "2026-11-24 17:00". */
const wall = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

describe('chat with reminders, repeats and the user’s time zone', () => {
  it('reads dates in the time zone of the user’s settings', async () => {
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { timezone: 'America/New_York' });
    const turn = await say(c, 'add call mom tomorrow 5pm');
    const due = turn.actions[0]!.result.task.due_at as string;
    const tomorrow = new Date(Date.now() + 86_400_000);
    assert.equal(wall(due, 'America/New_York'), `${wall(tomorrow.toISOString(), 'America/New_York').slice(0, 10)} 17:00`);
    assert.match(turn.reply, /, 17:00\.$/);
  });

  it('adds a repeating task with a reminder in one call, through the task, recurrence and reminder services', async () => {
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { timezone: 'Europe/Berlin' });
    const turn = await say(c, 'add pay rent on the 1st of every month, remind me a day before');
    assert.deepEqual(turn.actions.map((a) => a.tool), ['add_task']);
    assert.match(turn.reply, /^Added “pay rent”, due \w{3} 1 \w{3}, 09:00, repeats monthly on day 1, reminder 1 day before\.$/);
    const task = (await c.get(`/api/tasks/${turn.actions[0]!.result.task.id}`)).body;
    assert.equal(wall(task.due_at, 'Europe/Berlin').slice(8), '01 09:00');
    assert.deepEqual(await reminders(c, task.id), ['P1D']);
    const [template] = await templates(c);
    assert.equal(task.recurring_task_id, template!.id);
    assert.deepEqual([template!.recurrence.freq, template!.recurrence.by_month_day, template!.recurrence.timezone], ['monthly', [1], 'Europe/Berlin']);
  });

  it('undoes such an add: the task goes and its series ends', async () => {
    const c = await clientFor(app.url());
    const turn = await say(c, 'add water plants every weekday at 9');
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.body.reply, 'Undone: removed “water plants”.');
    assert.equal((await c.get(`/api/tasks/${turn.actions[0]!.result.task.id}`)).status, 404);
    assert.deepEqual((await templates(c)).map((t) => t.active), [false]);
  });

  it('sets the reminders of a task with the same validation as PUT /reminders, and undo puts the old ones back', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Pay rent', due_at: '2030-12-01T09:00:00Z' })).body;
    await c.put(`/api/tasks/${task.id}/reminders`, [{ offset: 'P1D' }]);
    const turn = await say(c, 'remind me about rent 2 hours before');
    assert.equal(turn.reply, 'Reminder 2 hours before for “Pay rent”.');
    assert.deepEqual(await reminders(c, task.id), ['PT2H']);
    const undo = await say(c, 'undo', turn.conversation_id);
    assert.equal(undo.reply, 'Undone: put back the reminders of “Pay rent”.');
    assert.deepEqual(await reminders(c, task.id), ['P1D']);
  });

  it('refuses an offset reminder on a task without a due time, naming the field, and writes nothing', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Someday sort photos' })).body;
    const turn = await say(c, 'remind me about photos a day before');
    const error = turn.actions[0]!.result.error;
    assert.equal(error.code, 'validation_failed');
    assert.equal(error.details[0].path, 'reminders.0.offset');
    assert.deepEqual(await reminders(c, task.id), []);
  });

  it('answers 409 with the task when its reminders changed after the turn, and keeps them', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Dentist', due_at: '2030-12-01T09:00:00Z' })).body;
    const turn = await say(c, 'remind me about dentist 30 minutes before');
    await c.put(`/api/tasks/${task.id}/reminders`, [{ offset: 'PT10M' }]);
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.status, 409);
    assert.equal(undo.body.error.details[0].id, task.id);
    assert.deepEqual(await reminders(c, task.id), ['PT10M']);
  });

  it('makes an existing task repeat from its due time: completing it brings the next one', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Groceries', due_at: '2030-01-05T10:00:00Z' })).body;
    const turn = await say(c, 'repeat groceries every saturday');
    assert.equal(turn.reply, '“Groceries” repeats every Saturday.');
    const [template] = await templates(c);
    assert.equal((await c.get(`/api/tasks/${task.id}`)).body.recurring_task_id, template!.id);
    await c.post(`/api/tasks/${task.id}/complete`);
    const next = await eventually(async () => (await c.get('/api/tasks')).body.items[0]);
    assert.deepEqual([next.title, next.due_at, next.recurring_task_id], ['Groceries', '2030-01-12T10:00:00.000Z', template!.id]);
  });

  it('undoes a repeat: the series it started ends and the task is as before', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Groceries', due_at: '2030-01-05T10:00:00Z' })).body;
    const turn = await say(c, 'repeat groceries every saturday');
    const undo = await say(c, 'undo', turn.conversation_id);
    assert.equal(undo.reply, 'Undone: “Groceries” no longer repeats.');
    assert.deepEqual((await templates(c)).map((t) => t.active), [false]);
    assert.deepEqual((await c.get(`/api/tasks/${task.id}`)).body, task);
  });

  it('stops a series, and undo brings the same template back', async () => {
    const c = await clientFor(app.url());
    const added = await say(c, 'add stretch every day at 7am');
    const id = added.actions[0]!.result.task.id as string;
    const stop = await say(c, 'stop repeating stretch', added.conversation_id);
    assert.equal(stop.reply, '“stretch” no longer repeats.');
    const [template] = await templates(c);
    assert.equal(template!.active, false);
    const undo = await say(c, 'undo', added.conversation_id);
    assert.equal(undo.reply, 'Undone: put back how “stretch” repeats.');
    assert.deepEqual((await templates(c)).map((t) => [t.id, t.active]), [[template!.id, true]]);
    assert.equal((await c.get(`/api/tasks/${id}`)).body.recurring_task_id, template!.id);
  });

  it('refuses a repeat for a task without a due time, naming the field', async () => {
    const c = await clientFor(app.url());
    await c.post('/api/tasks', { title: 'Read a book' });
    const turn = await say(c, 'repeat book every week');
    assert.equal(turn.actions[0]!.result.error.details[0].path, 'recurrence');
    assert.deepEqual(await templates(c), []);
  });

  it('brings back a deleted task with its reminders still ahead', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Renew passport', due_at: '2030-06-01T09:00:00Z', reminders: [{ offset: 'P7D' }, { at: '2029-01-01T00:00:00Z' }] })).body;
    // The API refuses an absolute time in the past; this one was set ahead and its time has gone by since.
    await sql`update reminders set at = '2001-01-01T00:00:00Z', fire_at = '2001-01-01T00:00:00Z' where task_id = ${task.id} and at is not null`;
    const turn = await say(c, 'delete passport');
    assert.equal(turn.reply, 'Deleted “Renew passport”.');
    await say(c, 'undo', turn.conversation_id);
    const [back] = (await c.get('/api/tasks')).body.items;
    assert.equal(back.id, task.id);
    // A reminder whose time has passed is not put back: it would fire at once.
    assert.deepEqual(await reminders(c, back.id), ['P7D']);
  });
});
