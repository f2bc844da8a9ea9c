import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from '@upstash/redis';
import { newUser } from '../../test/helpers.ts';
import { type RedisServer, startRedis } from '../../test/redis-server.ts';
import { type UpstashRestServer, startUpstashRestServer } from '../../test/upstash-rest-server.ts';
import { StateUnavailableError, conversationKey } from './port.ts';
import { behavesAsAConversationStore, message, ttlSeconds } from './store-behaviour.ts';
import { createUpstashStore } from './upstash.ts';

// A real redis-server, reached through a server that speaks Upstash's REST protocol.
describe('upstash conversation store (real Redis)', () => {
  let redis: RedisServer;
  let rest: UpstashRestServer;
  let raw: Redis;
  before(async () => {
    redis = await startRedis();
    rest = await startUpstashRestServer({ redisPort: redis.port, token: 'rest-token' });
    raw = new Redis({ url: rest.url, token: rest.token, enableTelemetry: false, automaticDeserialization: false });
  });
  after(async () => {
    await rest.close();
    await redis.destroy();
  });
  const make = (maxMessages = 10) => createUpstashStore({ url: rest.url, token: rest.token, timeoutMs: 2000, ttlSeconds, maxMessages });

  behavesAsAConversationStore(make, async (key) => {
    await raw.pexpire(key, 1);
    // Redis expires keys lazily on access at the latest; wait until it reports the key gone.
    while ((await raw.exists(key)) === 1) await new Promise((resolve) => setImmediate(resolve));
  });

  it('keeps a conversation as a Redis list under its key, with the time to live renewed on every append', async () => {
    const [user, id] = [newUser(), randomUUID()];
    const key = conversationKey(user, id);
    await make().append(user, id, [message('one')]);
    await raw.expire(key, 10);
    await make().append(user, id, [message('two')]);
    assert.equal(await raw.type(key), 'list');
    assert.equal(await raw.llen(key), 2);
    const ttl = await raw.ttl(key);
    assert.ok(ttl > ttlSeconds - 60 && ttl <= ttlSeconds, String(ttl));
  });

  it('refuses a wrong token', async () => {
    const store = createUpstashStore({ url: rest.url, token: 'wrong', timeoutMs: 2000, ttlSeconds, maxMessages: 10 });
    await assert.rejects(store.load(newUser(), randomUUID()), StateUnavailableError);
  });

  it('answers state_unavailable while Redis is down, and works again once it is back', async () => {
    const [user, id] = [newUser(), randomUUID()];
    await redis.stop();
    try {
      await assert.rejects(make().load(user, id), StateUnavailableError);
      await assert.rejects(make().append(user, id, [message('lost')]), StateUnavailableError);
    } finally {
      await redis.start();
    }
    await make().append(user, id, [message('back')]);
    assert.deepEqual((await make().load(user, id))?.map((m) => m.text), ['back']);
  });
});
