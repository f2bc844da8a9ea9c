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
 */
export async function syncedTransaction<T>(sql: Sql, work: (tx: Tx) => Promise<T>): Promise<T> {
  let users: string[] = [];
  const result = await retryRaces(() =>
    sql.begin(async (tx) => {
      const value = await work(tx);
      users = (await tx<{ users: string[] }[]>`select sync_flush() as users`)[0]!.users;
      return value;
    }),
  );
  wakeUsers(sql, users);
  return result as T;
}

/**
 * Tells every process listening that these users have changes. Outside the writing transaction: a
 * NOTIFY inside one takes a lock that serialises the commits of every notifying transaction in the
 * database. Best effort: a lost wake-up is caught by the hub's periodic re-check.
 */
export function wakeUsers(sql: Sql, users: string[]): void {
  if (users.length === 0) return;
  sql`
    select pg_notify(${syncChannel}, u)
    from unnest(${users}::text[]) as u`.catch(() => {});
}
