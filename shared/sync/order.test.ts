import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import postgres from 'postgres';
import { newUser } from '../../test/helpers.ts';
import { syncedTransaction } from './commit.ts';
import { readSync } from './read.ts';

// The rule everything else rests on: a reader following a user's changes by cursor sees each
// committed change exactly once, in the order the user's transactions committed, however the
// writers' transactions interleave. Writers pause inside their transactions, some after taking
// their number, some roll back; the reader reads in small pages all the while.

let sql: postgres.Sql;
before(() => {
  sql = postgres(process.env.DATABASE_URL!, { max: 16, onnotice: () => {} });
});
after(() => sql.end());

class Rollback extends Error {}

/** A gate a test opens when it wants a paused transaction to go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const writer = fc.record({
  user: fc.integer({ min: 0, max: 1 }),
  /** Pauses (ms) before its write, and after it with the number taken or not. */
  before: fc.integer({ min: 0, max: 8 }),
  held: fc.integer({ min: 0, max: 12 }),
  numberEarly: fc.boolean(),
  commits: fc.boolean(),
});

describe('the change log', () => {
  it('gives a reader following by cursor every committed change exactly once, in each user\'s commit order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(writer, { minLength: 2, maxLength: 10 }), async (writers) => {
        const users = [newUser(), newUser()];
        const cursors = await Promise.all(users.map(async (u) => (await readSync(sql, u, undefined, 10)).cursor));
        const seen: { task: string; seq: number }[][] = [[], [], []];
        const readAll = async () => {
          for (const [i, u] of users.entries()) {
            for (let more = true; more; ) {
              const page = await readSync(sql, u, cursors[i], 3);
              seen[i]!.push(...page.changes.map((ch) => ({ task: ch.id, seq: ch.seq })));
              cursors[i] = page.cursor;
              more = page.more;
            }
          }
        };
        let writing = true;
        const reader = (async () => {
          while (writing) await readAll();
        })();
        const committed: { user: number; task: string; seq: number; numbered: number; done: number }[] = [];
        await Promise.all(
          writers.map(async (w) => {
            let numbered = 0;
            try {
              const [task, seq] = await syncedTransaction(sql, async (tx) => {
                await sleep(w.before);
                const [row] = await tx<{ id: string }[]>`insert into tasks (user_id, title) values (${users[w.user]!}, 'w') returning id`;
                numbered = performance.now();
                // Takes its number now, then keeps the transaction open: the head's lock holds the
                // user's other writers back until this one commits.
                if (w.numberEarly) await tx`select sync_flush()`;
                await sleep(w.held);
                if (!w.commits) throw new Rollback();
                if (!w.numberEarly) numbered = performance.now();
                await tx`select sync_flush()`;
                const [head] = await tx<{ seq: string }[]>`select seq from sync_heads where user_id = ${users[w.user]!}`;
                return [row!.id, Number(head!.seq)] as const;
              });
              committed.push({ user: w.user, task, seq, numbered, done: performance.now() });
            } catch (err) {
              if (!(err instanceof Rollback)) throw err;
            }
          }),
        );
        writing = false;
        await reader;
        await readAll();
        for (const u of [0, 1]) {
          const mine = committed.filter((c) => c.user === u);
          // Exactly once, nothing rolled back, numbered 1..n without a gap, read in that order.
          assert.deepEqual(seen[u]!.map((s) => s.seq), mine.map((_, i) => i + 1));
          assert.deepEqual(new Set(seen[u]!.map((s) => s.task)), new Set(mine.map((c) => c.task)));
          for (const s of seen[u]!) assert.equal(mine.find((c) => c.task === s.task)!.seq, s.seq);
          // A transaction that took its number after another had committed comes after it.
          for (const a of mine) for (const b of mine) if (a.done < b.numbered) assert.ok(a.seq < b.seq, `${a.seq} committed before ${b.seq} was taken`);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('(control) a reader following an identity column instead skips a row whose transaction commits late', async () => {
    await sql`create table if not exists identity_control (id bigint generated always as identity primary key, note text)`;
    const [{ start } = { start: 0 }] = await sql<{ start: number }[]>`select coalesce(max(id), 0)::int as start from identity_control`;
    const late = gate();
    const inserted = gate();
    // The first transaction takes its id, then commits only after the second has.
    const first = sql.begin(async (tx) => {
      await tx`insert into identity_control (note) values ('late')`;
      inserted.open();
      await late.opened;
    });
    await inserted.opened;
    await sql`insert into identity_control (note) values ('early')`;
    const read = async (after: number) => (await sql<{ id: number }[]>`select id::int from identity_control where id > ${after} order by id`).map((r) => r.id);
    const firstRead = await read(start);
    const cursor = Math.max(...firstRead);
    late.open();
    await first;
    const secondRead = await read(cursor);
    const all = await read(start);
    assert.equal(all.length, 2);
    // The late row committed with the smaller id, behind a cursor that had already passed it.
    assert.deepEqual([...firstRead, ...secondRead].sort(), [start + 2]);
  });

  it('the same interleaving through the change log loses nothing', async () => {
    const user = newUser();
    let { cursor } = await readSync(sql, user, undefined, 10);
    const late = gate();
    const numbered = gate();
    const first = syncedTransaction(sql, async (tx) => {
      await tx`insert into tasks (user_id, title) values (${user}, 'late')`;
      await tx`select sync_flush()`;
      numbered.open();
      await late.opened;
    });
    await numbered.opened;
    // Waits at its commit for the first one's number (the head's row lock).
    const second = syncedTransaction(sql, (tx) => tx`insert into tasks (user_id, title) values (${user}, 'early')`);
    const seen: string[] = [];
    const firstRead = await readSync(sql, user, cursor, 10);
    seen.push(...firstRead.changes.map((c) => (c.data as { title: string }).title));
    cursor = firstRead.cursor;
    late.open();
    await Promise.all([first, second]);
    const secondRead = await readSync(sql, user, cursor, 10);
    seen.push(...secondRead.changes.map((c) => (c.data as { title: string }).title));
    assert.deepEqual(seen, ['late', 'early']);
  });
});
