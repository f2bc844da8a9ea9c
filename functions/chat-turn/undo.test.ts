import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Answer, type Client, clientFor, eventually, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

async function say(c: Client, message: string, conversation_id?: string) {
  const res = await c.post('/api/chat', { message, ...(conversation_id ? { conversation_id } : {}) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { conversation_id: string; reply: string; actions: { tool: string; undoes?: string; result: Answer['body'] }[] };
}

describe('undo in chat', () => {
  it('reverts an added task through the delete service, answering what it reverted', async () => {
    const c = await clientFor(app.url());
    const added = await say(c, 'add pay rent');
    const id = added.actions[0]!.result.task.id as string;
    const undo = await c.post(`/api/chat/${added.conversation_id}/undo`);
    assert.equal(undo.status, 200);
    assert.equal(undo.body.reply, 'Undone: removed “pay rent”.');
    assert.deepEqual(undo.body.actions.map((a: { tool: string; undoes: string }) => [a.tool, a.undoes]), [['delete_task', 'add_task']]);
    assert.equal((await c.get(`/api/tasks/${id}`)).status, 404);
    // The revert is a change like any other: its event reaches the activity log.
    await eventually(async () => (await c.get(`/api/activity?entity_id=${id}&type=task.deleted`)).body.items[0]);
  });

  it('puts back the fields an update changed', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Write report', priority: 'low', due_at: '2030-01-01T09:00:00Z' })).body;
    const turn = await say(c, 'move the report to friday 3pm');
    assert.equal(turn.actions[0]!.tool, 'update_task');
    const undo = await say(c, 'undo', turn.conversation_id);
    assert.equal(undo.reply, 'Undone: put back the due date of “Write report”.');
    const now = (await c.get(`/api/tasks/${task.id}`)).body;
    assert.equal(now.due_at, '2030-01-01T09:00:00.000Z');
    assert.equal(now.priority, 'low');
    assert.equal(now.version, 3);
  });

  it('reopens a task the turn completed', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Groceries' })).body;
    const turn = await say(c, 'done with groceries');
    assert.equal(turn.reply, 'Done: “Groceries”.');
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.body.reply, 'Undone: reopened “Groceries”.');
    assert.equal((await c.get(`/api/tasks/${task.id}`)).body.completed, false);
  });

  it('undoing the completion of a recurring task also removes the next task it made', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Water plants', due_at: '2030-05-06T07:00:00Z', recurrence: { freq: 'daily', timezone: 'UTC' } })).body;
    const turn = await say(c, 'done with water plants');
    assert.equal(turn.reply, 'Done: “Water plants”.');
    const open = async () => (await c.get('/api/tasks?status=all')).body.items as { id: string; completed: boolean }[];
    await eventually(async () => (await open()).length === 2);
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.body.reply, 'Undone: reopened “Water plants” and removed the next one, due 2030-05-07.');
    assert.deepEqual((await open()).map((t) => [t.id, t.completed]), [[task.id, false]]);
  });

  it('brings back a task the turn deleted, with its fields and tags', async () => {
    const c = await clientFor(app.url());
    await c.post('/api/tasks', { title: 'Plan trip', description: 'Lisbon?', priority: 'high', due_at: '2030-05-01T10:00:00Z', tags: ['fun'] });
    const turn = await say(c, 'delete plan trip');
    assert.equal(turn.reply, 'Deleted “Plan trip”.');
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.body.reply, 'Undone: brought back “Plan trip”.');
    const [back] = (await c.get('/api/tasks')).body.items;
    assert.deepEqual(
      { title: back.title, description: back.description, priority: back.priority, due_at: back.due_at, tags: back.tags },
      { title: 'Plan trip', description: 'Lisbon?', priority: 'high', due_at: '2030-05-01T10:00:00.000Z', tags: ['fun'] },
    );
  });

  it('undoes turn after turn, newest first, then says there is nothing left', async () => {
    const c = await clientFor(app.url());
    const first = await say(c, 'add one');
    await say(c, 'add two', first.conversation_id);
    assert.equal((await say(c, 'undo', first.conversation_id)).reply, 'Undone: removed “two”.');
    assert.equal((await say(c, 'undo', first.conversation_id)).reply, 'Undone: removed “one”.');
    assert.equal((await say(c, 'undo', first.conversation_id)).reply, 'Nothing to undo.');
    assert.deepEqual((await c.get('/api/tasks')).body.items, []);
  });

  it('answers 409 with the task when it changed since, and changes nothing', async () => {
    const c = await clientFor(app.url());
    const turn = await say(c, 'add book flights');
    const id = turn.actions[0]!.result.task.id as string;
    await c.patch(`/api/tasks/${id}`, { title: 'book flights to Lisbon' });
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.status, 409);
    assert.equal(undo.body.error.code, 'version_conflict');
    assert.equal(undo.body.error.details[0].title, 'book flights to Lisbon');
    assert.equal(undo.body.error.details[0].version, 2);
    const now = await c.get(`/api/tasks/${id}`);
    assert.equal(now.body.title, 'book flights to Lisbon');
  });

  it('answers "undo" typed in the chat after a later change with a 200 reply showing the task as it is now, and keeps it in the conversation', async () => {
    const c = await clientFor(app.url());
    const turn = await say(c, 'add call the bank');
    const id = turn.actions[0]!.result.task.id as string;
    await c.post(`/api/tasks/${id}/complete`);
    const undo = await say(c, 'undo', turn.conversation_id);
    const expected = "I can't undo that: “call the bank” changed since; nothing was undone. It is now “call the bank”, done.";
    assert.equal(undo.reply, expected);
    assert.equal(undo.actions[0]!.result.error.code, 'version_conflict');
    assert.deepEqual([undo.actions[0]!.result.error.details[0].id, undo.actions[0]!.result.error.details[0].completed], [id, true]);
    assert.equal((await c.get(`/api/tasks/${id}`)).body.completed, true);
    const history = await c.get(`/api/chat/${turn.conversation_id}`);
    assert.deepEqual(history.body.messages.slice(2).map((m: { text: string }) => m.text), ['undo', expected]);
  });

  it('brings a deleted task back under its own id, so the id the reply names is found', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'Renew passport' })).body;
    const turn = await say(c, 'delete renew passport');
    const undo = await say(c, 'undo', turn.conversation_id);
    assert.equal(undo.actions[0]!.result.task.id, task.id);
    assert.equal((await c.get(`/api/tasks/${task.id}`)).body.title, 'Renew passport');
  });

  it('answers 409 when a task the turn changed was deleted since', async () => {
    const c = await clientFor(app.url());
    const turn = await say(c, 'add sort photos');
    await c.delete(`/api/tasks/${turn.actions[0]!.result.task.id}`);
    const undo = await c.post(`/api/chat/${turn.conversation_id}/undo`);
    assert.equal(undo.status, 409);
    assert.match(undo.body.error.message, /“sort photos” was deleted since/);
  });

  it('reverts a turn once even when two undos race', async () => {
    const c = await clientFor(app.url());
    const first = await say(c, 'add keep me');
    const second = await say(c, 'add remove me', first.conversation_id);
    const answers = await Promise.all([c.post(`/api/chat/${second.conversation_id}/undo`), c.post(`/api/chat/${second.conversation_id}/undo`)]);
    const statuses = answers.map((a) => a.status).sort();
    // One reverts "remove me"; the other either reverts the turn before or meets the first midway (409).
    assert.ok(statuses.every((s) => s === 200 || s === 409), JSON.stringify(answers.map((a) => a.body)));
    const removed = answers.filter((a) => a.status === 200 && a.body.reply === 'Undone: removed “remove me”.');
    assert.equal(removed.length, 1);
  });
});
