import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { db } from '../db/client.ts';
import { request, serve } from '../../test/helpers.ts';
import { cloudEvent } from './cloudevent.ts';
import { maxStoredPayloadBytes, storedPayload } from './dead-letters.ts';

const sql = db();

// A poison event is kept for a person to read, not whole: a 900 KB junk event was stored whole,
// so a flood of them could fill the database.

const app = serve(async () => (await import('../../functions/log-activity/index.ts')).logActivity);

describe('dead letters', () => {
  it('keeps the first 16 KiB of a 900 KB junk event, with a marker giving its original size', async () => {
    const id = randomUUID();
    const junk = cloudEvent({ type: 'com.taskfn.task.deleted', source: 'attacker', subject: 'x', partitionkey: 'victim', data: { junk: 'j'.repeat(900_000) } });
    const res = await request(app.url(), 'POST', '/events/log-activity', {
      body: JSON.stringify({ ...junk, id }),
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    assert.deepEqual([res.status, res.body], [200, { status: 'DROP' }]);
    const [row] = await sql<{ payload: string }[]>`select payload from dead_letters where event_id = ${id}`;
    assert.ok(row, 'the poison event is kept');
    assert.ok(Buffer.byteLength(row.payload) < maxStoredPayloadBytes + 200, `${Buffer.byteLength(row.payload)} bytes stored`);
    assert.match(row.payload.slice(0, 1000), /"type":"com\.taskfn\.task\.deleted"/, 'the head of the event is kept as it came');
    assert.match(row.payload, /\[truncated by taskfn: 9\d{5} bytes, the first 16384 kept\]$/);
  });

  it('keeps a small payload whole', () => {
    const event = { id: 'e1', data: { title: 'ünïcode' } };
    assert.equal(storedPayload(event), JSON.stringify(event));
  });

  it('never cuts a multi-byte character in half', () => {
    const stored = storedPayload('é'.repeat(maxStoredPayloadBytes));
    const head = stored.slice(0, stored.indexOf('\n[truncated'));
    assert.equal(head, 'é'.repeat(maxStoredPayloadBytes / 2));
  });
});
