import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { conversationKey } from '../../shared/state/port.ts';
import { type RedisServer, startRedis } from '../../test/redis-server.ts';
import { RespConnection } from '../../test/resp.ts';
import { type Client, clientFor, serveHost } from '../../test/helpers.ts';
import { type UpstashRestServer, startUpstashRestServer } from '../../test/upstash-rest-server.ts';

// The whole local host with conversations in Redis (CHAT_STATE=upstash, a real redis-server behind
// a server speaking Upstash's REST protocol), served with a runtime of its own built from that
// configuration once Redis and the REST server are up.
let redis: RedisServer;
let rest: UpstashRestServer;
const app = serveHost(async () => {
  redis = await startRedis();
  rest = await startUpstashRestServer({ redisPort: redis.port, token: 'rest-token' });
  return { CHAT_STATE: 'upstash', UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: rest.token, CHAT_STATE_TIMEOUT_MS: '1000' };
});
after(async () => {
  await rest.close();
  await redis.destroy();
});

const say = (c: Client, message: string, conversation_id?: string) => c.post('/api/chat', { message, ...(conversation_id ? { conversation_id } : {}) });

describe('chat with the upstash state store', () => {
  it('keeps conversations in Redis, losing no message when turns race', async () => {
    const c = await clientFor(app.url());
    const first = (await say(c, 'add errand 0')).body;
    const turns = await Promise.all(Array.from({ length: 8 }, (_, i) => say(c, `add errand ${i + 1}`, first.conversation_id)));
    assert.deepEqual(turns.map((t) => t.status), Array(8).fill(200));
    const history = await c.get(`/api/chat/${first.conversation_id}`);
    assert.equal(history.body.messages.length, 18);
    // Read from Redis itself: a host that read CHAT_STATE before it was set would pass the lines
    // above with the PostgreSQL store.
    const direct = await RespConnection.open(redis.port);
    try {
      assert.equal(await direct.command(['LLEN', conversationKey(c.user, first.conversation_id)]), 18);
    } finally {
      direct.close();
    }
  });

  it('answers 503 state_unavailable with Retry-After while Redis is down, and every task route keeps working', async () => {
    const c = await clientFor(app.url());
    const first = (await say(c, 'add buy milk')).body;
    await redis.stop();
    try {
      for (const res of [await say(c, 'add buy bread', first.conversation_id), await say(c, 'add buy eggs'), await c.get(`/api/chat/${first.conversation_id}`)]) {
        assert.equal(res.status, 503);
        assert.equal(res.body.error.code, 'state_unavailable');
        assert.equal(res.headers.get('retry-after'), '5');
      }
      const created = await c.post('/api/tasks', { title: 'written while the state store is down' });
      assert.equal(created.status, 201);
      assert.equal((await c.patch(`/api/tasks/${created.body.id}`, { priority: 'high' })).status, 200);
      assert.equal((await c.post(`/api/tasks/${created.body.id}/complete`)).status, 200);
      const titles = (await c.get('/api/tasks?status=all&sort=title')).body.items.map((t: { title: string }) => t.title);
      // The turns refused while the store was down changed nothing.
      assert.deepEqual(titles, ['buy milk', 'written while the state store is down']);
    } finally {
      await redis.start();
    }
    assert.equal((await say(c, 'add buy bread')).status, 200);
  });
});
