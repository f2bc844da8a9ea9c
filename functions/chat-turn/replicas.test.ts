import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { type Client, clientFor, newUser } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';

const sql = db();

// Two separate chat-turn instances, each alone under functions-framework as in its Knative
// Service, sharing only the state store (postgres, the default) and the database: any replica
// takes any turn.
describe('chat-turn replicas', () => {
  const lone = loneFunctions();
  let a: Client;
  let b: Client;
  before(async () => {
    const user = newUser();
    const [urlA, urlB] = await Promise.all([lone('chat-turn'), lone('chat-turn')]);
    [a, b] = await Promise.all([clientFor(urlA, user), clientFor(urlB, user)]);
  });
  after(() => sql.end());

  const say = async (c: Client, message: string, conversation_id?: string) => {
    const res = await c.post('/api/chat', { message, ...(conversation_id ? { conversation_id } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { conversation_id: string; reply: string };
  };

  it('continues a conversation on a second instance with its full history, and undoes there what the first did', async () => {
    const first = await say(a, 'add buy milk');
    const second = await say(b, 'add buy bread', first.conversation_id);
    const third = await say(a, 'undo', first.conversation_id);
    assert.equal(third.reply, 'Undone: removed “buy bread”.');
    const fourth = await say(b, 'undo', first.conversation_id);
    assert.equal(fourth.reply, 'Undone: removed “buy milk”.');
    for (const c of [a, b]) {
      const history = await c.get(`/api/chat/${first.conversation_id}`);
      assert.deepEqual(
        history.body.messages.map((m: { role: string; text: string }) => m.text),
        ['add buy milk', first.reply, 'add buy bread', second.reply, 'undo', third.reply, 'undo', fourth.reply],
      );
    }
  });

  it('loses no message when turns race on one conversation across both instances', async () => {
    const start = await say(a, 'add errand 0');
    await Promise.all(Array.from({ length: 10 }, (_, i) => say(i % 2 === 0 ? a : b, `add errand ${i + 1}`, start.conversation_id)));
    const texts = (await b.get(`/api/chat/${start.conversation_id}`)).body.messages.map((m: { text: string }) => m.text) as string[];
    assert.equal(texts.length, 22);
    for (let i = 0; i <= 10; i++) {
      const at = texts.indexOf(`add errand ${i}`);
      assert.ok(at >= 0, `item ${i}`);
      assert.equal(texts[at + 1], `Added “errand ${i}”.`);
    }
  });
});
