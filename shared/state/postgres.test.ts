import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { newUser } from '../../test/helpers.ts';
import { db } from '../db/client.ts';
import { conversationKey } from './port.ts';
import { createPostgresStore } from './postgres.ts';
import { behavesAsAConversationStore, message, ttlSeconds } from './store-behaviour.ts';

const sql = db();

describe('postgres conversation store', () => {
  after(() => sql.end());
  const make = (maxMessages = 10) => createPostgresStore({ ttlSeconds, maxMessages });
  behavesAsAConversationStore(make, async (key) => {
    await sql`update chat_conversations set expires_at = now() - interval '1 second' where key = ${key}`;
  });

  it('renews the expiry to the full time to live on every append', async () => {
    const [user, id] = [newUser(), randomUUID()];
    const key = conversationKey(user, id);
    await make().append(user, id, [message('one')]);
    await sql`update chat_conversations set expires_at = now() + interval '10 seconds' where key = ${key}`;
    await make().append(user, id, [message('two')]);
    const [row] = await sql<{ left: number }[]>`select extract(epoch from expires_at - now())::float as left from chat_conversations where key = ${key}`;
    assert.ok(row!.left > ttlSeconds - 60 && row!.left <= ttlSeconds, String(row!.left));
  });

  it('keeps no more message rows than the cap, and none of an expired conversation', async () => {
    const [user, id] = [newUser(), randomUUID()];
    const key = conversationKey(user, id);
    const rows = async () => Number((await sql`select count(*) from chat_messages where key = ${key}`)[0]!.count);
    for (let i = 0; i < 7; i++) await make(10).append(user, id, [message(`q${i}`), message(`a${i}`, 'assistant')]);
    assert.equal(await rows(), 10);
    await sql`update chat_conversations set expires_at = now() - interval '1 second' where key = ${key}`;
    await make(10).append(user, id, [message('again')]);
    assert.equal(await rows(), 1);
  });

  it('stores the conversation under taskfn::conversation::{user}::{conversation}', async () => {
    const id = randomUUID();
    await make().append('alice|admin', id, [message('hi')]);
    const rows = await sql`select key from chat_conversations where key like ${`%${id}`}`;
    assert.deepEqual(rows.map((r) => r.key as string), [`taskfn::conversation::alice%7Cadmin::${id}`]);
  });
});
