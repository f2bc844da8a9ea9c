import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncChange } from '../domain/sync.ts';
import { clientFor, eventually, loadHost, serve } from '../../test/helpers.ts';
import { type Mirror, applyChange, backoffMs, createSyncClient } from './client.ts';
import { runtime } from '../runtime/current.ts';

// The client loop against the real route: a mirror that follows another tab's writes, a network
// that goes away and comes back, and a cursor the server no longer serves.

const app = serve(loadHost);

const task = (id: string, seq: number, title: string): SyncChange => ({
  seq,
  entity: 'task',
  id,
  op: 'upsert',
  data: { id, title } as SyncChange['data'],
});

const titles = (items: unknown[]) => items.map((t) => (t as { title: string }).title).sort();

describe('applyChange', () => {
  it('keeps the newer of two changes to an entity, whatever order they arrive in', () => {
    const mirror: Mirror = new Map();
    assert.equal(applyChange(mirror, task('a', 5, 'new')), true);
    assert.equal(applyChange(mirror, task('a', 3, 'old')), false);
    assert.equal((mirror.get('task:a')!.data as { title: string }).title, 'new');
  });

  it('keeps a delete, so an older upsert arriving late does not bring the entity back', () => {
    const mirror: Mirror = new Map();
    applyChange(mirror, { seq: 7, entity: 'task', id: 'a', op: 'delete', data: null });
    assert.equal(applyChange(mirror, task('a', 6, 'stale')), false);
    assert.equal(mirror.get('task:a')!.data, null);
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, and jitter picks anywhere below it', () => {
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffMs(n, 500, 4000, () => 1)), [500, 1000, 2000, 4000, 4000]);
    assert.equal(backoffMs(3, 500, 4000, () => 0.25), 500);
  });
});

describe('the sync client', () => {
  it("mirrors the user's tasks: the snapshot, then another tab's creates, updates and deletes", async () => {
    const tab = await clientFor(app.url());
    const kept = (await tab.post('/api/tasks', { title: 'before' })).body;
    const client = createSyncClient({ baseUrl: app.url(), token: () => tab.token });
    client.start();
    try {
      await eventually(() => Promise.resolve(client.all('task').length === 1));
      const gone = (await tab.post('/api/tasks', { title: 'to delete' })).body;
      await tab.patch(`/api/tasks/${kept.id}`, { title: 'renamed' });
      await tab.post('/api/tasks', { title: 'new' });
      await tab.delete(`/api/tasks/${gone.id}`);
      const server = (await tab.get('/api/tasks?status=all')).body.items;
      await eventually(() => Promise.resolve(JSON.stringify(titles(client.all('task'))) === JSON.stringify(titles(server))));
      assert.deepEqual(titles(client.all('task')), ['new', 'renamed']);
    } finally {
      await client.stop();
    }
  });

  it('backs off while the network is down and polls at once when told it is back', async () => {
    const tab = await clientFor(app.url());
    let down = true;
    const pauses: number[] = [];
    const client = createSyncClient({
      baseUrl: app.url(),
      token: () => tab.token,
      fetch: (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
      // A pause of an hour: only online() can end it within the test.
      backoff: { baseMs: 3_600_000, maxMs: 3_600_000 },
      random: () => 1,
      onError: (_, ms) => pauses.push(ms),
    });
    client.start();
    try {
      await eventually(() => Promise.resolve(pauses.length === 1));
      await tab.post('/api/tasks', { title: 'written while offline' });
      down = false;
      client.online();
      await eventually(() => Promise.resolve(client.all('task').length === 1));
      assert.deepEqual(titles(client.all('task')), ['written while offline']);
      assert.deepEqual(pauses, [3_600_000]);
    } finally {
      await client.stop();
    }
  });

  it('starts over with a fresh snapshot when its cursor has expired, dropping what is gone', async () => {
    const tab = await clientFor(app.url());
    const old = (await tab.post('/api/tasks', { title: 'old' })).body;
    const client = createSyncClient({ baseUrl: app.url(), token: () => tab.token, waitSeconds: 0.2 });
    client.start();
    await eventually(() => Promise.resolve(client.all('task').length === 1));
    await client.stop();
    await tab.delete(`/api/tasks/${old.id}`);
    await tab.post('/api/tasks', { title: 'current' });
    const { sql } = runtime();
    // Every change is past the retention and pruned: the client's cursor can no longer be served.
    await sql`update sync_log set at = now() - interval '400 days' where user_id = ${tab.user}`;
    await (await import('./prune.ts')).pruneSyncLog(sql, 365);
    client.start();
    try {
      await eventually(() => Promise.resolve(JSON.stringify(titles(client.all('task'))) === '["current"]'));
    } finally {
      await client.stop();
    }
  });
});
