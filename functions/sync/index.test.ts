import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { type Client, clientFor, eventually, loadHost, request, serve } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';
import { runtime } from '../../shared/runtime/current.ts';

const app = serve(loadHost);
const lone = loneFunctions();

type Change = { seq: number; entity: string; id: string; op: string; data: Record<string, unknown> | null };

/** Every page of a snapshot, followed to its end: the changes and the cursor it ends on. */
async function snapshot(c: Client, limit = 100): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  let res = await c.get(`/api/sync?limit=${limit}`);
  for (;;) {
    assert.equal(res.status, 200);
    changes.push(...res.body.changes);
    if (!res.body.more) return { changes, cursor: res.body.cursor };
    res = await c.get(`/api/sync?limit=${limit}&cursor=${res.body.cursor}`);
  }
}

const key = (ch: Change) => `${ch.entity}:${ch.id}`;

describe('GET /api/sync', () => {
  it('answers a snapshot of everything the user has, each entity exactly as its own GET answers it', async () => {
    const c = await clientFor(app.url());
    await c.patch('/api/me/settings', { timezone: 'Europe/Berlin' });
    const task = (await c.post('/api/tasks', { title: 'report', tags: ['work'], due_at: '2099-01-02T10:00:00Z', reminders: [{ offset: 'PT1H' }] })).body;
    const res = await c.get('/api/sync');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.body.more, false);
    const byKind = (entity: string) => res.body.changes.filter((ch: Change) => ch.entity === entity);
    assert.ok(res.body.changes.every((ch: Change) => ch.op === 'upsert'));
    assert.deepEqual(byKind('settings').map((ch: Change) => ch.data), [(await c.get('/api/me/settings')).body]);
    assert.deepEqual(byKind('tag').map((ch: Change) => ch.data), (await c.get('/api/tags')).body.items);
    assert.deepEqual(byKind('task').map((ch: Change) => ch.data), [(await c.get(`/api/tasks/${task.id}`)).body]);
    assert.deepEqual(byKind('reminder').map((ch: Change) => ch.data), (await c.get(`/api/tasks/${task.id}/reminders`)).body.items);
  });

  it('pages a snapshot by limit, and its last cursor then answers only what changed after it', async () => {
    const c = await clientFor(app.url());
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await c.post('/api/tasks', { title: `t${i}` })).body.id);
    const { changes, cursor } = await snapshot(c, 2);
    assert.deepEqual(changes.filter((ch) => ch.entity === 'task').map((ch) => ch.id).sort(), [...ids].sort());
    assert.equal(new Set(changes.map(key)).size, changes.length, 'no entity twice');
    const later = (await c.post('/api/tasks', { title: 'later' })).body;
    const next = await c.get(`/api/sync?cursor=${cursor}`);
    assert.deepEqual(next.body.changes.map(key), [`task:${later.id}`]);
  });

  it('answers the changes after a cursor each entity once, at its latest state, in the order of their last change', async () => {
    const c = await clientFor(app.url());
    const a = (await c.post('/api/tasks', { title: 'a' })).body;
    const b = (await c.post('/api/tasks', { title: 'b' })).body;
    const { cursor } = await snapshot(c);
    await c.patch(`/api/tasks/${a.id}`, { title: 'a2' });
    await c.patch(`/api/tasks/${b.id}`, { title: 'b2' });
    await c.post(`/api/tasks/${a.id}/complete`);
    const res = await c.get(`/api/sync?cursor=${cursor}`);
    assert.deepEqual(res.body.changes.map((ch: Change) => [ch.id, ch.op]), [[b.id, 'upsert'], [a.id, 'upsert']]);
    assert.deepEqual(res.body.changes[1].data, (await c.get(`/api/tasks/${a.id}`)).body);
    assert.ok(res.body.changes[0].seq < res.body.changes[1].seq);
    const again = await c.get(`/api/sync?cursor=${res.body.cursor}`);
    assert.deepEqual(again.body, { changes: [], cursor: res.body.cursor, more: false });
  });

  it('pages the changes after a cursor by limit without losing one', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await c.post('/api/tasks', { title: `t${i}` })).body.id);
    const seen: string[] = [];
    let at = cursor;
    for (;;) {
      const res = await c.get(`/api/sync?cursor=${at}&limit=2`);
      seen.push(...res.body.changes.filter((ch: Change) => ch.entity === 'task').map((ch: Change) => ch.id));
      at = res.body.cursor;
      if (!res.body.more) break;
    }
    assert.deepEqual(seen, ids);
  });

  it('answers a deleted task as a delete with null data, with its reminders and the tag whose count moved', async () => {
    const c = await clientFor(app.url());
    const task = (await c.post('/api/tasks', { title: 'x', tags: ['home'], due_at: '2099-01-02T10:00:00Z', reminders: [{ offset: 'PT5M' }] })).body;
    const { cursor } = await snapshot(c);
    assert.equal((await c.delete(`/api/tasks/${task.id}`)).status, 204);
    const res = await c.get(`/api/sync?cursor=${cursor}`);
    const byKind = Object.fromEntries(res.body.changes.map((ch: Change) => [ch.entity, ch]));
    assert.deepEqual({ op: byKind.task.op, data: byKind.task.data }, { op: 'delete', data: null });
    assert.equal(byKind.reminder.op, 'delete');
    assert.equal(byKind.tag.data.task_count, 0);
  });

  it('answers a tag rename with the tag and every task that carries it', async () => {
    const c = await clientFor(app.url());
    const t1 = (await c.post('/api/tasks', { title: 'one', tags: ['errands'] })).body;
    const t2 = (await c.post('/api/tasks', { title: 'two', tags: ['errands'] })).body;
    const tag = (await c.get('/api/tags')).body.items[0];
    const { cursor } = await snapshot(c);
    await c.patch(`/api/tags/${tag.id}`, { name: 'shopping' });
    const res = await c.get(`/api/sync?cursor=${cursor}`);
    assert.deepEqual(res.body.changes.map(key).sort(), [`tag:${tag.id}`, `task:${t1.id}`, `task:${t2.id}`].sort());
    assert.ok(res.body.changes.filter((ch: Change) => ch.entity === 'task').every((ch: Change) => (ch.data!.tags as string[])[0] === 'shopping'));
  });

  it('answers settings and in-app notifications as they change (new, then read)', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const { claimRequested } = await import('../../shared/db/notifications.ts');
    const id = randomUUID();
    const now = new Date();
    await claimRequested({ notification_id: id, user_id: c.user, channel: 'in_app', reminder_id: null, task_id: null, title: 'hi', body: 'there', fire_at: null }, now, now);
    await c.put('/api/me/settings', { timezone: 'Asia/Tokyo' });
    const first = await c.get(`/api/sync?cursor=${cursor}`);
    assert.deepEqual(first.body.changes.map(key), [`notification:${id}`, 'settings:me']);
    assert.equal(first.body.changes[0].data.read, false);
    assert.equal(first.body.changes[1].data.timezone, 'Asia/Tokyo');
    await c.post(`/api/notifications/${id}/read`);
    const second = await c.get(`/api/sync?cursor=${first.body.cursor}`);
    assert.deepEqual(second.body.changes.map((ch: Change) => [key(ch), ch.data!.read]), [[`notification:${id}`, true]]);
  });

  it('holds a poll with nothing newer and, when the wait ends, answers no changes and the same cursor', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const res = await c.get(`/api/sync?cursor=${cursor}&wait=0.3`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { changes: [], cursor, more: false });
  });

  it('answers a held poll with the change as soon as the user writes', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const held = c.get(`/api/sync?cursor=${cursor}&wait=25`);
    const hub = await runtime().sync();
    await eventually(() => Promise.resolve(hub.waiting() > 0));
    const metrics = await (await fetch(`${app.url()}/metrics`)).text();
    assert.ok(Number(/^taskfn_sync_held_polls (\S+)$/m.exec(metrics)?.[1]) >= 1, 'the held poll is counted in /metrics');
    const task = (await c.post('/api/tasks', { title: 'from the other tab' })).body;
    // A poll that timed out would answer no changes: these came from the wake-up.
    assert.deepEqual((await held).body.changes.map(key), [`task:${task.id}`]);
  });

  it('runs alone under functions-framework, where a write through another process wakes its held poll', async () => {
    // The re-check a minute away: only the writer's notification can wake it in time.
    const url = await lone('sync', { SYNC_RECHECK_MS: '60000' });
    const c = await clientFor(app.url());
    const headers = { authorization: `Bearer ${c.token}` };
    const { cursor } = (await request(url, 'GET', '/api/sync', { headers })).body;
    const held = request(url, 'GET', `/api/sync?cursor=${cursor}&wait=25`, { headers });
    await eventually(async () => Number(/^taskfn_sync_held_polls (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]) >= 1);
    const task = (await c.post('/api/tasks', { title: 'written through the host' })).body;
    assert.deepEqual((await held).body.changes.map(key), [`task:${task.id}`]);
  });

  it('answers at once when the cursor is behind, even with a wait', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const task = (await c.post('/api/tasks', { title: 'missed' })).body;
    const res = await c.get(`/api/sync?cursor=${cursor}&wait=25`);
    assert.deepEqual(res.body.changes.map(key), [`task:${task.id}`]);
  });

  it('releases the waiter as soon as the client goes away', async () => {
    const c = await clientFor(app.url());
    const { cursor } = await snapshot(c);
    const hub = await runtime().sync();
    const before = hub.waiting();
    const gone = new AbortController();
    const held = fetch(`${app.url()}/api/sync?cursor=${cursor}&wait=25`, { headers: { authorization: `Bearer ${c.token}` }, signal: gone.signal });
    await eventually(() => Promise.resolve(hub.waiting() > before));
    gone.abort();
    await assert.rejects(held);
    await eventually(() => Promise.resolve(hub.waiting() === before));
  });

  it("never answers another user's changes, and refuses another user's cursor", async () => {
    const a = await clientFor(app.url());
    const b = await clientFor(app.url());
    await a.post('/api/tasks', { title: 'private' });
    const bSnap = await snapshot(b);
    assert.deepEqual(bSnap.changes.map((ch) => ch.entity), ['settings']);
    await a.post('/api/tasks', { title: 'still private' });
    assert.deepEqual((await b.get(`/api/sync?cursor=${bSnap.cursor}&wait=0.2`)).body.changes, []);
    const aSnap = await snapshot(a);
    const res = await b.get(`/api/sync?cursor=${aSnap.cursor}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].path, 'cursor');
  });

  it('refuses bad input with a 400 naming the parameter', async () => {
    const c = await clientFor(app.url());
    const forged = Buffer.from(JSON.stringify({ u: 'x', s: 1 })).toString('base64url');
    const cases: [string, string][] = [
      ['wait=26', 'wait'],
      ['wait=-1', 'wait'],
      ['wait=soon', 'wait'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=2.5', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${forged}`, 'cursor'],
      ['since=1', 'since'],
    ];
    for (const [query, field] of cases) {
      const res = await c.get(`/api/sync?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.details[0].path, field, query);
    }
  });

  it('answers 410 cursor_expired for a cursor older than the kept log, and serves a newer one', async () => {
    const c = await clientFor(app.url());
    const old = (await snapshot(c)).cursor;
    await c.post('/api/tasks', { title: 'a' });
    const { cursor: recent } = await snapshot(c);
    await c.post('/api/tasks', { title: 'b' });
    const { sql } = runtime();
    const { pruneSyncLog } = await import('../../shared/sync/prune.ts');
    // The first change is older than the retention; the second is not.
    await sql`update sync_log set at = now() - interval '40 days' where user_id = ${c.user} and seq <= (select max(seq) - 1 from sync_log where user_id = ${c.user})`;
    assert.ok((await pruneSyncLog(sql, 30)) >= 1);
    const expired = await c.get(`/api/sync?cursor=${old}`);
    assert.equal(expired.status, 410);
    assert.equal(expired.body.error.code, 'cursor_expired');
    const fine = await c.get(`/api/sync?cursor=${recent}`);
    assert.equal(fine.status, 200);
    assert.equal(fine.body.changes.length, 1);
  });
});
