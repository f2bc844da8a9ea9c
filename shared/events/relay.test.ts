import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type postgres from 'postgres';
import { freshDatabase } from '../../test/databases.ts';
import * as client from '../db/client.ts';
import { cloudEvent } from './cloudevent.ts';
import { createRelay } from './relay.ts';
import type { Envelope, Transport } from './transport.ts';

const testSql = client.db();

// The relay against a database of its own: the test server's other relays must not publish these rows.
let db: { sql: postgres.Sql; drop: () => Promise<void> };
before(async () => {
  db = await freshDatabase({ migrated: true });
});
after(async () => {
  await db.drop();
  await testSql.end();
});

/** A transport that fails its first `failures` calls, then records what it is given. */
function scripted(failures = 0): Transport & { published: Envelope[]; calls: number } {
  const t = {
    name: 'scripted',
    published: [] as Envelope[],
    calls: 0,
    publish(batch: Envelope[]) {
      t.calls++;
      if (t.calls <= failures) return Promise.reject(new Error('broker unavailable'));
      t.published.push(...batch);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return t;
}

async function pending(keys: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of keys) {
    const event = cloudEvent({ type: 'com.taskfn.test.happened', source: 'test', subject: randomUUID(), partitionkey: key, data: {} });
    await db.sql`
      insert into outbox (event_id, topic, partition_key, type, event)
      values (${event.id}, 'task-events', ${key}, ${event.type}, ${db.sql.json(event as never)})`;
    ids.push(event.id);
  }
  return ids;
}

describe('outbox relay', () => {
  it('publishes pending events in commit order, in batches, and stamps them published', async () => {
    const ids = await pending(['alice', 'bob', 'alice', 'carol', 'alice']);
    const transport = scripted();
    const relay = createRelay({ transport, sql: db.sql, batchSize: 2, sweepMs: 0 });
    assert.equal(await relay.drain(), 5);
    await relay.stop();
    assert.deepEqual(transport.published.map((e) => e.event.id), ids);
    assert.deepEqual(transport.published.map((e) => e.key), ['alice', 'bob', 'alice', 'carol', 'alice']);
    assert.equal(transport.calls, 3);
    const [left] = await db.sql`select count(*)::int as n from outbox where published_at is null`;
    assert.equal(left!.n, 0);
  });

  it('keeps events pending while publishing fails, counting attempts, and delivers them all once it works', async () => {
    const ids = await pending(['dave', 'dave', 'erin']);
    const transport = scripted(2);
    const relay = createRelay({ transport, sql: db.sql, sweepMs: 0, maxBackoffMs: 1 });
    assert.equal(await relay.drain(), 0);
    const [after1] = await db.sql`select min(attempts)::int as a, count(*)::int as n from outbox where event_id = any(${ids}::uuid[]) and published_at is null`;
    assert.deepEqual({ ...after1 }, { a: 1, n: 3 });
    assert.equal(await relay.drain(), 0);
    assert.equal(await relay.drain(), 3);
    await relay.stop();
    assert.deepEqual(transport.published.map((e) => e.event.id), ids);
    const rows = await db.sql`select attempts, last_error from outbox where event_id = any(${ids}::uuid[])`;
    assert.ok(rows.every((r) => r.attempts === 3 && r.last_error === 'broker unavailable'));
  });

  it('lets only one of two concurrent relays publish each event', async () => {
    const ids = await pending(Array.from({ length: 40 }, (_, i) => `user-${i % 7}`));
    const [a, b] = [scripted(), scripted()];
    const relays = [createRelay({ transport: a, sql: db.sql, batchSize: 5, sweepMs: 0 }), createRelay({ transport: b, sql: db.sql, batchSize: 5, sweepMs: 0 })];
    await Promise.all(relays.map((r) => r.drain()));
    // The one that found the lock taken looks again shortly; drain both until nothing is left.
    while ((await db.sql`select 1 from outbox where published_at is null limit 1`).length > 0) await Promise.all(relays.map((r) => r.drain()));
    await Promise.all(relays.map((r) => r.stop()));
    const published = [...a.published, ...b.published].map((e) => e.event.id);
    assert.equal(published.length, ids.length);
    assert.deepEqual(new Set(published), new Set(ids));
  });
});
