import type postgres from 'postgres';
import { retryRaces } from '../db/retry.ts';

type Sql = postgres.Sql;
type Tx = postgres.TransactionSql;

/** The channel a writer wakes readers on; its payload is a user id and nothing else. */
export const syncChannel = 'taskfn_sync';

/**
 * A write transaction whose changes reach the user's open tabs at once. The change log is written
 * by triggers (migration 0007), whatever the caller does; this only runs them just before commit,
 * to learn whose log grew, and after commit wakes those users' held polls on every replica.
 * It runs again when it loses a race with another (shared/db/retry.ts).
 *
 * The flush is sent without waiting for its answer, so COMMIT follows it in the same flight
 * (postgres.js pipelines a connection's queries): the user's head row lock that the flush takes is
 * held only while the database runs the two, as the deferred triggers alone would hold it, not
 * for a round trip through this process. One user's writes queue on that lock, so a round trip
 * held there was paid once per write, one write after another.
 */
export async function syncedTransaction<T>(sql: Sql, work: (tx: Tx) => Promise<T>): Promise<T> {
  const [result, users] = await retryRaces(async () => {
    let flushed!: Promise<{ users: string[] }[]>;
    const value = await sql.begin(async (tx) => {
      const value = await work(tx);
      flushed = tx<{ users: string[] }[]>`select sync_flush() as users`.execute();
      // Answered once the transaction has ended; its failure is read below.
      flushed.catch(() => {});
      return value;
    });
    // A flush that failed aborted the transaction, and PostgreSQL answers the COMMIT after it with
    // ROLLBACK, no error: nothing was written, so its failure is the write's (and a race runs again).
    const [row] = await flushed;
    return [value, row!.users] as const;
  });
  wakeUsers(sql, users);
  return result as T;
}

// Users to wake, per pool: a pool's wake-ups leave in one query at a time, each naming every user
// woken since the last one left. Keyed by the pool itself (not a runtime's field) because tests
// and tools call syncedTransaction with pools of their own.
const wakes = new WeakMap<Sql, { users: Set<string>; sending: boolean }>();

/**
 * Tells every process listening that these users have changes. Outside the writing transaction: a
 * NOTIFY inside one takes a lock that serialises the commits of every notifying transaction in the
 * database, and each NOTIFY query takes it too, so they are coalesced: the first waits for the end
 * of this event-loop turn, later ones for the query in flight, and each names all users woken
 * meanwhile. Best effort: a lost wake-up is caught by the hub's periodic re-check.
 */
export function wakeUsers(sql: Sql, users: string[]): void {
  if (users.length === 0) return;
  let pending = wakes.get(sql);
  if (!pending) wakes.set(sql, (pending = { users: new Set(), sending: false }));
  const wasEmpty = pending.users.size === 0;
  for (const u of users) pending.users.add(u);
  if (wasEmpty && !pending.sending) setImmediate(() => void sendWakes(sql, pending));
}

async function sendWakes(sql: Sql, pending: { users: Set<string>; sending: boolean }): Promise<void> {
  pending.sending = true;
  while (pending.users.size > 0) {
    const users = [...pending.users];
    pending.users.clear();
    await sql`
      select pg_notify(${syncChannel}, u)
      from unnest(${users}::text[]) as u`.catch(() => {});
  }
  pending.sending = false;
}
