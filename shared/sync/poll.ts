import type postgres from 'postgres';
import type { SyncPage } from '../domain/sync.ts';
import type { SyncHub } from './hub.ts';
import { readSync } from './read.ts';

export interface PollOptions {
  sql: postgres.Sql;
  hub: SyncHub;
  userId: string;
  cursor: string | undefined;
  limit: number;
  waitMs: number;
  /** Aborted when the client goes away: its waiter is released at once. */
  signal: AbortSignal;
}

/**
 * GET /api/sync: a snapshot, the changes after a cursor, or (nothing newer and `waitMs` > 0) held
 * until a change arrives or the wait ends. Between reads it holds a waiter in the hub and no
 * database connection.
 */
export async function poll({ sql, hub, userId, cursor: from, limit, waitMs, signal }: PollOptions): Promise<SyncPage> {
  let cursor = from;
  // Up to a tenth early, at random: polls opened together (every tab after a deploy) would
  // otherwise all end together, and all read again at once.
  const until = Date.now() + waitMs * (1 - Math.random() / 10);
  for (;;) {
    const waiter = cursor !== undefined && waitMs > 0 ? hub.subscribe(userId) : undefined;
    try {
      const { head, ...page } = await readSync(sql, userId, cursor, limit);
      const left = until - Date.now();
      if (!waiter || page.changes.length > 0 || page.more || left <= 0 || signal.aborted) return page;
      // The last, empty page of a snapshot ends on a cursor of its own: wait for what follows that.
      cursor = page.cursor;
      waiter.head = head;
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const ended = await Promise.race([
        waiter.woken.then((why) => why === 'closed'),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), left);
          onAbort = () => resolve(true);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
      if (ended) return page;
    } finally {
      waiter?.release();
    }
  }
}
