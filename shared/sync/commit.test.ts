import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { eventually, newUser } from '../../test/helpers.ts';
import { syncChannel, syncedTransaction, wakeUsers } from './commit.ts';

// syncedTransaction sends its flush and COMMIT together, so a failure of the flush is known only
// after the COMMIT: these tests hold it to failing the write anyway. A probe table's deferred
// trigger fails the flush with the SQLSTATE a row names, as a deferred capture could.

let sql: postgres.Sql;
let sent: string[] = [];
let onSend: ((query: string) => void) | undefined;
before(async () => {
  // Every statement this pool sends, in the order it sends them.
  const debug = (_conn: number, query: string) => {
    sent.push(query);
    onSend?.(query);
  };
  sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {}, debug });
  await sql`create table if not exists flush_probe (id bigint generated always as identity, fail text not null)`;
  await sql`
    create or replace function flush_probe_fail() returns trigger
    language plpgsql as $$
    begin
      raise exception 'the flush failed' using errcode = new.fail;
    end $$`;
  await sql`drop trigger if exists flush_probe_fail on flush_probe`;
  await sql`
    create constraint trigger flush_probe_fail after insert on flush_probe
    deferrable initially deferred for each row execute function flush_probe_fail()`;
});
after(() => sql.end());

const tasksOf = async (user: string) => (await sql<{ title: string }[]>`select title from tasks where user_id = ${user}`).map((r) => r.title);
const headOf = async (user: string) => (await sql<{ seq: string }[]>`select seq from sync_heads where user_id = ${user}`)[0]?.seq;

describe('syncedTransaction', () => {
  it('(postgres.js) answers a COMMIT sent behind a statement that failed without an error, and nothing is written', async () => {
    const user = newUser();
    let failed!: Promise<unknown>;
    await sql.begin(async (tx) => {
      await tx`insert into tasks (user_id, title) values (${user}, 'lost')`;
      failed = tx`select 1 / 0`.execute();
      failed.catch(() => {});
    });
    await assert.rejects(failed, { code: '22012' });
    assert.deepEqual(await tasksOf(user), []);
  });

  it('fails the write when its flush fails, and leaves nothing written', async () => {
    const user = newUser();
    await assert.rejects(
      syncedTransaction(sql, async (tx) => {
        await tx`insert into tasks (user_id, title) values (${user}, 'lost')`;
        await tx`insert into flush_probe (fail) values ('P0001')`;
      }),
      { code: 'P0001' },
    );
    assert.deepEqual(await tasksOf(user), []);
    assert.equal(await headOf(user), undefined);
  });

  it('runs the whole transaction again when its flush loses a race, and writes once', async () => {
    const user = newUser();
    let attempts = 0;
    const title = await syncedTransaction(sql, async (tx) => {
      attempts++;
      await tx`insert into tasks (user_id, title) values (${user}, 'once')`;
      if (attempts === 1) await tx`insert into flush_probe (fail) values ('40001')`;
      return 'once';
    });
    assert.equal(title, 'once');
    assert.equal(attempts, 2);
    assert.deepEqual(await tasksOf(user), ['once']);
    assert.equal(await headOf(user), '1');
  });

  it('has sent its COMMIT already while its flush waits for the user\'s head lock', async () => {
    const user = newUser();
    await sql`insert into sync_heads (user_id, seq) values (${user}, 0)`;
    // Another transaction holds the user's head row, as another writer of the user's would at its commit.
    const holder = await sql.reserve();
    await holder`begin`;
    await holder`select seq from sync_heads where user_id = ${user} for update`;
    let pid = 0;
    sent = [];
    const writing = syncedTransaction(sql, async (tx) => {
      pid = (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
      await tx`insert into tasks (user_id, title) values (${user}, 'queued')`;
    });
    try {
      await eventually(async () => {
        // Not on the holder's connection: a transaction sees pg_stat_activity as of its first look.
        const [row] = await sql<{ waiting: string | null }[]>`select wait_event_type as waiting from pg_stat_activity where pid = ${pid}`;
        return row?.waiting === 'Lock';
      });
      const flush = sent.findIndex((q) => q.includes('sync_flush()'));
      assert.ok(flush >= 0 && sent.slice(flush + 1).some((q) => /^\s*commit\s*$/i.test(q)), `sent while waiting: ${sent.join(' | ')}`);
    } finally {
      await holder`commit`;
      holder.release();
    }
    await writing;
    assert.equal(await headOf(user), '1');
  });
});

describe('wakeUsers', () => {
  let listener: postgres.Sql;
  const heard = new Set<string>();
  let checks: (() => void)[] = [];
  /** Resolves once every one of these users has been heard of on the channel. */
  const hearing = (users: string[]) =>
    new Promise<void>((resolve) => {
      const check = () => users.every((u) => heard.has(u)) && resolve();
      checks.push(check);
      check();
    });
  before(async () => {
    listener = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await listener.listen(syncChannel, (user) => {
      heard.add(user);
      for (const check of checks) check();
    });
  });
  after(() => (checks = []));
  after(() => listener.end());

  const notifies = () => sent.filter((q) => q.includes('pg_notify')).length;

  it('wakes every user woken in one event-loop turn with one query', async () => {
    const users = Array.from({ length: 50 }, newUser);
    sent = [];
    for (const u of users) wakeUsers(sql, [u]);
    await hearing(users);
    assert.equal(notifies(), 1);
  });

  it('wakes users woken while a wake-up is in flight with the next query, losing none', async () => {
    const [first, second, third] = [newUser(), newUser(), newUser()];
    sent = [];
    // Called as the first query leaves, before its answer can have come back.
    onSend = (query) => {
      if (!query.includes('pg_notify')) return;
      onSend = undefined;
      wakeUsers(sql, [second]);
      wakeUsers(sql, [third, first]);
    };
    wakeUsers(sql, [first]);
    await hearing([first, second, third]);
    assert.equal(notifies(), 2);
  });
});
