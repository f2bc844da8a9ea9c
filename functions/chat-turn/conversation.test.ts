import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Answer, type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

// What a conversation remembers between turns with the local model: the list it showed (for
// "show more"), and a question it asked (for "yes" or "2").

const app = serve(loadHost);

async function say(c: Client, message: string, conversation_id?: string) {
  const res = await c.post('/api/chat', { message, ...(conversation_id ? { conversation_id } : {}) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { conversation_id: string; reply: string; actions: { tool: string; args: Record<string, unknown>; result: Answer['body'] }[] };
}

const listed = (turn: Awaited<ReturnType<typeof say>>) => (turn.actions[0]!.result.items as { title: string }[]).map((t) => t.title);

describe('a conversation with the local model', () => {
  it('"show more" and "next page" advance through the list past its first page, then say it was all', async () => {
    const c = await clientFor(app.url());
    for (let i = 1; i <= 45; i++) await c.post('/api/tasks', { title: `errand ${String(i).padStart(2, '0')}`, due_at: `2030-01-01T${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z` });
    const first = await say(c, 'show my tasks');
    assert.match(first.reply, /^20 tasks \(there are more: say “show more”\):/);
    const second = await say(c, 'show more', first.conversation_id);
    assert.match(second.reply, /^More: 20 tasks \(there are more/);
    const third = await say(c, 'next page', first.conversation_id);
    assert.match(third.reply, /^More: 5 tasks:/);
    const seen = [...listed(first), ...listed(second), ...listed(third)];
    assert.equal(new Set(seen).size, 45);
    assert.equal((await say(c, 'show more', first.conversation_id)).reply, 'That was all of them.');
  });

  it('"what did I finish today?" lists the tasks completed today, not the ones due today', async () => {
    const c = await clientFor(app.url());
    const done = (await c.post('/api/tasks', { title: 'Sort receipts', due_at: '2030-01-01T09:00:00Z' })).body;
    await c.post(`/api/tasks/${done.id}/complete`);
    await c.post('/api/tasks', { title: 'Still open' });
    const turn = await say(c, 'what did I finish today?');
    assert.deepEqual(listed(turn), ['Sort receipts']);
  });

  it('a date in the past is said back, and "yes" adds the task for tomorrow instead', async () => {
    const c = await clientFor(app.url());
    const question = await say(c, 'add pay the plumber yesterday at 10am');
    assert.match(question.reply, /is in the past\. Add “pay the plumber” for tomorrow at the same time instead\?$/);
    assert.deepEqual(question.actions, []);
    assert.deepEqual((await c.get('/api/tasks')).body.items, []);
    const yes = await say(c, 'yes', question.conversation_id);
    const task = yes.actions[0]!.result.task;
    assert.equal(task.title, 'pay the plumber');
    assert.ok(Date.parse(task.due_at as string) > Date.now());
  });

  it('answers "thanks!" with a friendly word and changes nothing', async () => {
    const c = await clientFor(app.url());
    const turn = await say(c, 'thanks!');
    assert.equal(turn.reply, 'You’re welcome!');
    assert.deepEqual(turn.actions, []);
  });
});
