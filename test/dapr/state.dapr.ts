import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Client, clientFor, eventually } from '../helpers.ts';
import { RespConnection } from '../resp.ts';
import { daprStack } from './setup.ts';
import type { FunctionWithSidecar } from './stack.ts';

// Conversation state in a real Redis through daprd's state API (the committed state store
// component, scoped to chat-turn, and the Resiliency policy's state target): chat-turn runs with
// CHAT_STATE=dapr, as dapr.yaml runs it, two instances each beside its own daprd.

const stack = daprStack(['create-task', 'chat-turn'], { redis: true });
let second: FunctionWithSidecar;
let redis: RespConnection;
before(async () => {
  await stack.ready;
  second = await stack.another('chat-turn');
  redis = await RespConnection.open(stack.redis!.port);
});
after(() => redis?.close());

/** A hash field daprd wrote, as text. */
async function hget(key: string, field: string): Promise<string> {
  const reply = await redis.command(['HGET', key, field]);
  assert.ok(Buffer.isBuffer(reply), `HGET ${key} ${field}: ${JSON.stringify(reply)}`);
  return reply.toString();
}

interface Turn {
  conversation_id: string;
  reply: string;
}

async function say(c: Client, message: string, conversationId?: string): Promise<Turn> {
  const res = await c.post('/api/chat', { message, ...(conversationId ? { conversation_id: conversationId } : {}) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as Turn;
}

const history = async (c: Client, id: string): Promise<{ role: string; text: string }[]> => {
  const res = await c.get(`/api/chat/${id}`);
  assert.equal(res.status, 200);
  return res.body.messages;
};

/** The Redis key daprd keeps a conversation under: the component's keyPrefix, then the app's key. */
const redisKey = (user: string, id: string) => `taskfn||taskfn::conversation::${user}::${id}`;

describe('chat state through daprd in Redis', () => {
  it('a turn is saved in Redis by daprd with its time to live; every save moves the ETag', async () => {
    const c = await clientFor(stack.fns['chat-turn']!.url);
    const first = await say(c, 'add buy milk');
    const key = redisKey(c.user, first.conversation_id);
    const ttl = await redis.command(['TTL', key]);
    // CHAT_TTL_SECONDS (3600 by default) rides on each save as ttlInSeconds; daprd sets EXPIRE.
    assert.ok(typeof ttl === 'number' && ttl > 3500 && ttl <= 3600, `TTL ${JSON.stringify(ttl)}`);
    const version = Number(await hget(key, 'version'));
    await say(c, 'add buy bread', first.conversation_id);
    assert.equal(Number(await hget(key, 'version')), version + 1);
    const stored = JSON.parse(await hget(key, 'data')) as { messages: { text: string }[] };
    assert.deepEqual(
      stored.messages.filter((_, i) => i % 2 === 0).map((m) => m.text),
      ['add buy milk', 'add buy bread'],
    );
  });

  it('turns racing on one conversation through two instances and two sidecars lose no message', async () => {
    const a = await clientFor(stack.fns['chat-turn']!.url);
    const b = await clientFor(second.url, a.user);
    const { conversation_id: id } = await say(a, 'list my tasks');
    const sent: string[] = [];
    for (let round = 0; round < 4; round++) {
      const [x, y] = [`add racing task a${round}`, `add racing task b${round}`];
      sent.push(x, y);
      await Promise.all([say(a, x, id), say(b, y, id)]);
    }
    const messages = await history(b, id);
    assert.equal(messages.length, 2 + sent.length * 2);
    assert.deepEqual(messages.filter((m) => m.role === 'user').map((m) => m.text).slice(1).sort(), [...sent].sort());
  });

  it('a second chat-turn process with its own sidecar continues a conversation the first one started', async () => {
    const a = await clientFor(stack.fns['chat-turn']!.url);
    const started = await say(a, 'add water the plants tomorrow 9am');
    // The seeds' pod-restart test: the instance (and sidecar) that started the conversation is gone.
    await stack.fns['chat-turn']!.stop();
    const b = await clientFor(second.url, a.user);
    const next = await say(b, 'complete it', started.conversation_id);
    assert.equal(next.conversation_id, started.conversation_id);
    assert.match(next.reply, /water the plants/i, 'the second instance resolved "it" from the first one\'s turn');
    assert.deepEqual((await history(b, started.conversation_id)).filter((m) => m.role === 'user').map((m) => m.text), [
      'add water the plants tomorrow 9am',
      'complete it',
    ]);
  });

  it('with Redis stopped chat answers 503 and POST /api/tasks still 201; with Redis back chat answers again', async () => {
    const c = await clientFor(second.url);
    const tasks = await clientFor(stack.fns['create-task']!.url, c.user);
    await stack.redis!.stop();
    try {
      const down = await c.post('/api/chat', { message: 'add something' });
      assert.equal(down.status, 503);
      assert.equal(down.body.error.code, 'state_unavailable');
      assert.ok(Number(down.headers.get('retry-after')) > 0);
      assert.equal((await tasks.post('/api/tasks', { title: 'written while Redis is down' })).status, 201);
    } finally {
      await stack.redis!.start();
    }
    redis.close();
    redis = await RespConnection.open(stack.redis!.port);
    // The Resiliency policy's circuit breaker on the state store may hold calls back a while.
    await eventually(async () => (await c.post('/api/chat', { message: 'add after the outage' })).status === 200, { timeoutMs: 90_000, everyMs: 500 });
  });
});
