import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import postgres from 'postgres';
import { clientFor, eventually, loadHost, newUser, serve } from '../../test/helpers.ts';
import { log } from '../observability/log.ts';
import { createSyncHub, type SyncHub } from './hub.ts';
import { poll } from './poll.ts';
import { readSync } from './read.ts';

// The hub against the real database: another process's pool and LISTEN connection (a second
// replica), a killed LISTEN connection, and writes that send no notification at all.

const app = serve(loadHost);

const opened: { sql: postgres.Sql; hub: SyncHub }[] = [];
/** A second runtime on the same database: a pool and a hub of its own, as another replica has. */
async function runtime(name: string, recheckMs: number, logger = log) {
  const sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {}, connection: { application_name: name } });
  const hub = createSyncHub({ sql, log: logger, recheckMs });
  await hub.start();
  opened.push({ sql, hub });
  return { sql, hub };
}
after(async () => {
  for (const { sql, hub } of opened) {
    await hub.stop();
    await sql.end();
  }
});

const hold = (r: { sql: postgres.Sql; hub: SyncHub }, userId: string, cursor: string, signal = new AbortController().signal) =>
  poll({ ...r, userId, cursor, limit: 100, waitMs: 25_000, signal });

const held = (hub: SyncHub, n: number) => eventually(() => Promise.resolve(hub.waiting() >= n));

describe('sync hub', () => {
  it('wakes a poll held on another runtime when a write commits through the first', async () => {
    const other = await runtime('sync-replica', 60_000);
    const c = await clientFor(app.url());
    const { cursor } = await readSync(other.sql, c.user, undefined, 100);
    const answer = hold(other, c.user, cursor);
    await held(other.hub, 1);
    const task = (await c.post('/api/tasks', { title: 'written on replica one' })).body;
    // The re-check is a minute away: only the notification can have woken it.
    assert.deepEqual((await answer).changes.map((ch) => ch.id), [task.id]);
  });

  it('still delivers after its LISTEN connection is killed (pg_terminate_backend)', async () => {
    const r = await runtime('sync-killed', 60_000);
    const c = await clientFor(app.url());
    const listener = async () =>
      (await r.sql<{ pid: number }[]>`
        select pid
        from pg_stat_activity
        where application_name = 'sync-killed'
          and query like 'listen%'`)[0]?.pid;
    const pid = await eventually(listener);
    await r.sql`select pg_terminate_backend(${pid})`;
    // postgres.js connects and listens again; the poll is held across it.
    const { cursor } = await readSync(r.sql, c.user, undefined, 100);
    const answer = hold(r, c.user, cursor);
    await eventually(async () => ((await listener()) ?? pid) !== pid);
    await held(r.hub, 1);
    const task = (await c.post('/api/tasks', { title: 'after the LISTEN connection died' })).body;
    assert.deepEqual((await answer).changes.map((ch) => ch.id), [task.id]);
  });

  it('listens anew when the database refused postgres.js its own reconnection', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const r = await runtime('sync-refused', 100, logger);
    const listener = async () =>
      (await r.sql<{ pid: number }[]>`
        select pid
        from pg_stat_activity
        where application_name = 'sync-refused'
          and query like 'listen%'`)[0]?.pid;
    const pid = await eventually(listener);
    const [{ name } = { name: '' }] = await r.sql<{ name: string }[]>`select current_database() as name`;
    // A database cannot refuse connections to itself from a session of its own.
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/template1';
    const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
    // New connections are refused (superusers included) while the LISTEN connection is killed.
    await admin.unsafe(`alter database "${name}" allow_connections false`);
    try {
      await r.sql`select pg_terminate_backend(${pid})`;
      await eventually(() => Promise.resolve(warnings.includes('sync LISTEN connection lost; listening again')));
    } finally {
      await admin.unsafe(`alter database "${name}" allow_connections true`);
      await admin.end();
    }
    await eventually(async () => ((await listener()) ?? pid) !== pid);
    const user = newUser();
    const { cursor } = await readSync(r.sql, user, undefined, 100);
    const answer = hold(r, user, cursor);
    await held(r.hub, 1);
    const [task] = await r.sql<{ id: string }[]>`insert into tasks (user_id, title) values (${user}, 'after the outage') returning id`;
    assert.deepEqual((await answer).changes.map((ch) => ch.id), [task!.id]);
  });

  it('delivers by the re-check a change that sent no notification', async () => {
    const r = await runtime('sync-recheck', 200);
    const user = newUser();
    const { cursor } = await readSync(r.sql, user, undefined, 100);
    const answer = hold(r, user, cursor);
    await held(r.hub, 1);
    // Plain SQL, not a service: the trigger logs the change, and nobody calls pg_notify.
    const [task] = await r.sql<{ id: string }[]>`insert into tasks (user_id, title) values (${user}, 'silent') returning id`;
    assert.deepEqual((await answer).changes.map((ch) => ch.id), [task!.id]);
  });

  it('holds no database connection while polls wait', async () => {
    const r = await runtime('sync-idle', 60_000);
    const users = Array.from({ length: 20 }, newUser);
    const gone = new AbortController();
    setMaxListeners(users.length, gone.signal);
    const cursors = await Promise.all(users.map(async (u) => (await readSync(r.sql, u, undefined, 100)).cursor));
    const polls = users.map((u, i) => hold(r, u, cursors[i]!, gone.signal));
    await held(r.hub, 20);
    const [busy] = await r.sql<{ n: number }[]>`
      select count(*)::int as n
      from pg_stat_activity
      where application_name = 'sync-idle'
        and pid <> pg_backend_pid()
        and state <> 'idle'`;
    assert.equal(busy!.n, 0);
    gone.abort();
    await Promise.all(polls);
    assert.equal(r.hub.waiting(), 0);
  });

  it('resumes from a cursor given before a restart, with nothing lost', async () => {
    const first = await runtime('sync-before-restart', 60_000);
    const c = await clientFor(app.url());
    const { cursor } = await readSync(first.sql, c.user, undefined, 100);
    await first.hub.stop();
    await first.sql.end();
    // Written while no hub of that runtime runs.
    const a = (await c.post('/api/tasks', { title: 'while down 1' })).body;
    const b = (await c.post('/api/tasks', { title: 'while down 2' })).body;
    const restarted = await runtime('sync-after-restart', 60_000);
    const page = await hold(restarted, c.user, cursor);
    assert.deepEqual(page.changes.map((ch) => ch.id), [a.id, b.id]);
  });

  it('answers held polls at once when it stops', async () => {
    const r = await runtime('sync-stopping', 60_000);
    const user = newUser();
    const answer = hold(r, user, (await readSync(r.sql, user, undefined, 100)).cursor);
    await held(r.hub, 1);
    await r.hub.stop();
    assert.deepEqual((await answer).changes, []);
  });
});
