import type postgres from 'postgres';
import type { Logger } from '../observability/log.ts';
import { syncChannel } from './commit.ts';

/** A held poll: woken when its user's head may have moved past `head`. */
export interface Waiter {
  readonly userId: string;
  /** The head its last read saw; the re-check wakes it when the user's head is past this. */
  head: number;
  /** Resolves at the first wake-up after subscribing: `closed` once the hub stops (the poll answers what it has). */
  readonly woken: Promise<'change' | 'closed'>;
  release(): void;
}

export interface SyncHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribe before reading, so a change committed between the read and the wait still wakes it. */
  subscribe(userId: string): Waiter;
  /** Polls held right now, waiting for a change. */
  waiting(): number;
}

export interface SyncHubOptions {
  sql: postgres.Sql;
  log: Logger;
  /** How often held polls compare their head with the database's, whatever the notifications said. */
  recheckMs?: number;
}

/**
 * One per process: a single LISTEN connection for every held poll, waiters kept in memory by user.
 * A wake-up carries no data; the woken poll reads by its cursor. No connection is held while
 * waiting: the re-check is one short query for all waiting users.
 */
export function createSyncHub({ sql, log, recheckMs = 3000 }: SyncHubOptions): SyncHub {
  const waiters = new Map<string, Set<Waiter & { wake: (why?: 'change' | 'closed') => void }>>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let checking = false;
  // Whether anything came over LISTEN since the last ping (an empty notification every re-check).
  let heard = true;

  const wakeUser = (userId: string) => {
    for (const w of waiters.get(userId) ?? []) w.wake();
  };
  const wakeAll = (why: 'change' | 'closed' = 'change') => {
    for (const set of waiters.values()) for (const w of set) w.wake(why);
  };

  async function listen(): Promise<void> {
    try {
      // postgres.js listens again after its connection drops and calls the second function each
      // time: anything said while it was away is lost, so every held poll reads again.
      const listening = await sql.listen(
        syncChannel,
        (userId) => {
          heard = true;
          if (userId) wakeUser(userId);
        },
        () => wakeAll(),
      );
      unlisten = () => listening.unlisten();
    } catch (err) {
      log.warn({ err }, 'sync LISTEN failed; held polls rely on the re-check until it is back');
    }
  }

  async function recheck(): Promise<void> {
    // One at a time: against a stalled database, checks would otherwise pile up.
    if (checking || closed) return;
    checking = true;
    try {
      // postgres.js listens again by itself after its connection drops, but gives up for good if
      // the database refuses it then: a ping that never came back means listening anew. A LISTEN
      // that failed at start is tried again here too.
      if (unlisten && !heard) {
        log.warn('sync LISTEN connection lost; listening again');
        await unlisten().catch(() => {});
        unlisten = undefined;
      }
      if (!unlisten) await listen();
      heard = false;
      await sql`select pg_notify(${syncChannel}, '')`;
      if (waiters.size === 0) return;
      const heads = await sql<{ user_id: string; seq: string }[]>`
        select user_id, seq
        from sync_heads
        where user_id = any(${[...waiters.keys()]}::text[])`;
      for (const { user_id, seq } of heads) {
        for (const w of waiters.get(user_id) ?? []) if (Number(seq) > w.head) w.wake();
      }
    } catch (err) {
      // The database is away: the polls answer when their wait ends, and read again then.
      log.warn({ err }, 'sync re-check failed');
    } finally {
      checking = false;
    }
  }

  return {
    async start() {
      if (timer) return;
      closed = false;
      timer = setInterval(() => void recheck(), recheckMs);
      timer.unref();
      await listen();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      closed = true;
      wakeAll('closed');
      await unlisten?.().catch(() => {});
      unlisten = undefined;
    },
    subscribe(userId) {
      let wake!: (why?: 'change' | 'closed') => void;
      const woken = new Promise<'change' | 'closed'>((resolve) => (wake = (why = 'change') => resolve(why)));
      if (closed) wake('closed');
      const set = waiters.get(userId) ?? new Set();
      waiters.set(userId, set);
      let released = false;
      const waiter = {
        userId,
        head: Number.POSITIVE_INFINITY,
        woken,
        wake,
        release() {
          if (released) return;
          released = true;
          set.delete(waiter);
          if (set.size === 0 && waiters.get(userId) === set) waiters.delete(userId);
        },
      };
      set.add(waiter);
      return waiter;
    },
    // Those past their read, waiting for a wake-up (a subscriber still reading is not held yet).
    waiting: () => {
      let n = 0;
      for (const set of waiters.values()) for (const w of set) if (w.head !== Number.POSITIVE_INFINITY) n++;
      return n;
    },
  };
}
