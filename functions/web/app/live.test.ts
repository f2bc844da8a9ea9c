import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Change, type LiveOptions, type SyncClientOptions, startLive } from './live.ts';

// The tabs' sharing of one poll, with Node's own BroadcastChannel between "tabs" of one process and
// a lock manager with the Web Locks semantics the app uses (exclusive, granted in request order,
// a request aborted before its grant is dropped). The sync client is a stand-in the test drives;
// the real one (shared/sync/client.ts) is exercised against GET /api/sync in the browser tests.

function lockManager(): Pick<LockManager, 'request'> {
  const queues = new Map<string, (() => void)[]>();
  const request = (name: string, options: LockOptions, callback: LockGrantedCallback<unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const queue = queues.get(name) ?? [];
      queues.set(name, queue);
      const grant = () => {
        Promise.resolve(callback(null))
          .then(resolve, reject)
          .finally(() => {
            queue.shift();
            queue[0]?.();
          });
      };
      options.signal?.addEventListener('abort', () => {
        const i = queue.indexOf(grant);
        if (i > 0) {
          queue.splice(i, 1);
          reject(new Error('aborted'));
        }
      });
      queue.push(grant);
      if (queue.length === 1) grant();
    });
  return { request: request as LockManager['request'] };
}

function clients() {
  const started: SyncClientOptions[] = [];
  let stopped = 0;
  return {
    started,
    stopped: () => stopped,
    create: (options: SyncClientOptions) => ({
      start: () => void started.push(options),
      stop: () => {
        stopped++;
        return Promise.resolve();
      },
      online: () => undefined,
    }),
  };
}

const change = (id: string, seq: number): Change => ({ seq, entity: 'task', id, op: 'upsert', data: { id } });
const channel = (name: string) => new BroadcastChannel(name) as unknown as ReturnType<LiveOptions['channel']>;
/** Resolves once `condition` holds: BroadcastChannel delivers in a later task. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'the tabs never got there');
}

function tabs(n: number, { user = `user-${Math.random()}`, locks = lockManager(), sync = clients() } = {}) {
  const applied: Change[][] = Array.from({ length: n }, () => []);
  const live = applied.map((into) => startLive({ user, token: () => 't', createClient: sync.create, onChanges: (c) => into.push(...c), locks, channel }));
  return { live, applied, sync };
}

describe('live updates shared between tabs', () => {
  it('runs one sync client for seven tabs of a user, and every tab applies what it reads', async () => {
    const { live, applied, sync } = tabs(7);
    assert.equal(sync.started.length, 1);
    assert.deepEqual(live.map((l) => l.leader.value), [true, false, false, false, false, false, false]);
    sync.started[0]!.onChange([change('a', 1)]);
    await until(() => applied.every((a) => a.length === 1));
    assert.deepEqual(applied.map((a) => a.map((c) => c.id)), Array(7).fill(['a']));
    await until(() => live.every((l) => l.state.value === 'live'));
    await Promise.all(live.map((l) => l.stop()));
  });

  it('passes the poll to another tab when the leader closes', async () => {
    const { live, applied, sync } = tabs(3);
    await live[0]!.stop();
    await until(() => sync.started.length === 2);
    assert.equal(sync.stopped(), 1);
    assert.equal(live[1]!.leader.value, true);
    sync.started[1]!.onChange([change('b', 2)]);
    await until(() => applied[2]!.length === 1);
    assert.deepEqual(applied.map((a) => a.map((c) => c.id)), [[], ['b'], ['b']]);
    await Promise.all(live.slice(1).map((l) => l.stop()));
  });

  it('says reconnecting after a failed poll, live after the next page, and offline while the browser is', async () => {
    const { live, sync } = tabs(2);
    sync.started[0]!.onError(new Error('503'), 500);
    await until(() => live.every((l) => l.state.value === 'reconnecting'));
    sync.started[0]!.onChange([change('c', 3)]);
    await until(() => live.every((l) => l.state.value === 'live'));
    live[1]!.networkChanged(false);
    assert.equal(live[1]!.state.value, 'offline');
    live[1]!.networkChanged(true);
    assert.equal(live[1]!.state.value, 'reconnecting');
    await Promise.all(live.map((l) => l.stop()));
  });

  it('keeps users apart: two users signed in in two tabs each run their own poll', async () => {
    const locks = lockManager();
    const sync = clients();
    const a = tabs(1, { user: 'alice', locks, sync });
    const b = tabs(1, { user: 'bob', locks, sync });
    assert.equal(sync.started.length, 2);
    await Promise.all([...a.live, ...b.live].map((l) => l.stop()));
  });
});
