import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { db } from '../db/client.ts';
import { cloudEvent } from './cloudevent.ts';
import type { Subscriber } from './batch.ts';
import { createLocalTransport } from './local.ts';
import type { Outcome } from './transport.ts';

const sql = db();

after(() => sql.end());

/** A subscriber answering from a script, then SUCCESS; it records the event ids it was handed. */
function scripted(name: string, answers: Outcome[]): Subscriber & { seen: string[] } {
  const seen: string[] = [];
  return {
    name,
    topic: 'task-events',
    seen,
    handleEvent: (event) => {
      seen.push((event as { id: string }).id);
      return Promise.resolve(answers.shift() ?? 'SUCCESS');
    },
  };
}

const envelope = (key: string) => {
  const event = cloudEvent({ type: 'com.taskfn.test.happened', source: 'test', subject: 's', partitionkey: key, data: {} });
  return { topic: 'task-events', key, event };
};

describe('local transport', () => {
  it('retries an event answered RETRY until it succeeds', async () => {
    const s = scripted('retry-then-ok', ['RETRY', 'RETRY']);
    const e = envelope('a');
    await createLocalTransport({ subscribers: [s], baseDelayMs: 1 }).publish([e]);
    assert.deepEqual(s.seen, [e.event.id, e.event.id, e.event.id]);
  });

  it('treats a throwing handler like RETRY, and dead-letters an event still failing after the last attempt', async () => {
    const seen: string[] = [];
    const failing: Subscriber = { name: `always-failing-${Date.now()}`, topic: 'task-events', handleEvent: (ev) => (seen.push((ev as { id: string }).id), Promise.reject(new Error('down'))) };
    const e = envelope('b');
    await createLocalTransport({ subscribers: [failing], maxAttempts: 3, baseDelayMs: 1 }).publish([e]);
    assert.equal(seen.length, 3);
    const [dead] = await sql`select consumer, reason from dead_letters where event_id = ${e.event.id}`;
    assert.deepEqual({ ...dead }, { consumer: failing.name, reason: 'still failing after 3 attempts' });
  });

  it('does not retry DROP', async () => {
    const s = scripted('drops', ['DROP']);
    await createLocalTransport({ subscribers: [s], baseDelayMs: 1 }).publish([envelope('c')]);
    assert.equal(s.seen.length, 1);
  });

  it("keeps each key's events in order while a retry holds that key back", async () => {
    const s = scripted('ordered', ['RETRY']);
    const batch = [envelope('slow'), envelope('fast'), envelope('slow'), envelope('fast')];
    await createLocalTransport({ subscribers: [s], baseDelayMs: 5 }).publish(batch);
    const order = (key: string) => s.seen.filter((id) => batch.find((b) => b.event.id === id)!.key === key);
    assert.deepEqual([...new Set(order('slow'))], [batch[0]!.event.id, batch[2]!.event.id]);
    assert.deepEqual(order('fast'), [batch[1]!.event.id, batch[3]!.event.id]);
  });

  it('hands each event only to subscribers of its topic', async () => {
    const other = { ...scripted('other-topic', []), topic: 'reminder-events' };
    await createLocalTransport({ subscribers: [other] }).publish([envelope('d')]);
    assert.deepEqual(other.seen, []);
  });

  it('hands a batch-capable subscriber the whole batch in one call, in order', async () => {
    const calls: string[][] = [];
    const s: Subscriber = {
      name: 'batched',
      topic: 'task-events',
      handleEvent: () => Promise.reject(new Error('the transport hands batches')),
      handleBatch: (deliveries) => (calls.push(deliveries.map((d) => (d.event as { id: string }).id)), Promise.resolve(deliveries.map(() => 'SUCCESS' as const))),
    };
    const batch = ['a', 'b', 'a', 'c'].map(envelope);
    await createLocalTransport({ subscribers: [s] }).publish(batch);
    assert.deepEqual(calls, [batch.map((e) => e.event.id)]);
  });

  it('hands again only what was answered RETRY, and counts attempts only for the first unfinished event of each key', async () => {
    const calls: string[][] = [];
    const batch = ['x', 'y', 'x', 'y'].map(envelope);
    const poison = batch[0]!.event.id;
    const s: Subscriber = {
      name: `batched-retry-${Date.now()}`,
      topic: 'task-events',
      handleEvent: () => Promise.reject(new Error('the transport hands batches')),
      // The first x always fails, so the second x waits behind it; y always succeeds.
      handleBatch: (deliveries) => {
        calls.push(deliveries.map((d) => (d.event as { id: string }).id));
        const failed = deliveries.some((d) => (d.event as { id: string }).id === poison);
        return Promise.resolve(deliveries.map((d) => (d.key === 'x' && failed ? 'RETRY' : 'SUCCESS')));
      },
    };
    await createLocalTransport({ subscribers: [s], maxAttempts: 3, baseDelayMs: 1 }).publish(batch);
    const [x1, y1, x2, y2] = batch.map((e) => e.event.id);
    assert.deepEqual(calls, [[x1, y1, x2, y2], [x1, x2], [x1, x2], [x2]]);
    const dead = await sql`select reason from dead_letters where event_id = any(${[x1!, x2!]})`;
    assert.deepEqual(dead.map((d) => d.reason), ['still failing after 3 attempts']);
  });
});
