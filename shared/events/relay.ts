import type { Sql } from '../db/client.ts';
import { log } from '../observability/log.ts';
import type { CloudEvent } from './cloudevent.ts';
import type { Transport } from './transport.ts';

// Any constant works; it makes one relay at a time publish, across every process of the database,
// which keeps each user's events in commit order.
const relayLock = 0x72656c79; // "rely"

interface Options {
  transport: Transport;
  sql: Sql;
  batchSize?: number;
  /** A safety net besides the wake-ups after each commit; 0 turns it off. */
  sweepMs?: number;
  maxBackoffMs?: number;
}

export interface Relay {
  /** Publish what is pending, soon; calls while a pass runs fold into one more pass. */
  wake(): void;
  /** One pass until nothing is pending or publishing fails; the count of events published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export function createRelay({ transport, sql, batchSize = 1000, sweepMs = 5000, maxBackoffMs = 30_000 }: Options): Relay {
  let running: Promise<number> | undefined;
  let again = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  // One batch in one transaction: one statement takes the lock, claims the oldest pending rows and
  // stamps them published; then publish, and the commit makes the stamp real. A crash before the
  // commit rolls the stamp back, so nothing is lost. A failed publish clears the stamp and records
  // the error (the attempt still counts); the error is rethrown after the commit.
  async function batch(): Promise<number | 'locked'> {
    let failure: Error | undefined;
    const result = await sql.begin(async (tx) => {
      // The statement's snapshot predates the lock, so a row another relay stamped meanwhile may look
      // pending here; `for update` re-reads each row's latest version and skips it (read committed).
      const rows = await tx<{ locked: boolean; id: string | null; topic: string; partition_key: string; event: CloudEvent }[]>`
        with lock as (
          select pg_try_advisory_xact_lock(${relayLock}) as locked
        ), claimed as (
          update outbox
          set attempts = attempts + 1,
            published_at = now()
          where id in (
            select id
            from outbox
            where published_at is null
              and (select locked from lock)
            order by id
            limit ${batchSize}
            for update)
          returning id, topic, partition_key, event
        )
        select lock.locked, claimed.id, claimed.topic, claimed.partition_key, claimed.event
        from lock
        left join claimed on true
        order by claimed.id`;
      if (!rows[0]?.locked) return 'locked' as const;
      const claimed = rows.filter((r) => r.id !== null);
      if (claimed.length === 0) return 0;
      try {
        await transport.publish(claimed.map((r) => ({ topic: r.topic, key: r.partition_key, event: r.event })));
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        await tx`
          update outbox
          set published_at = null,
            last_error = ${failure.message.slice(0, 500)}
          where id = any(${claimed.map((r) => r.id!)}::bigint[])`;
      }
      return claimed.length;
    });
    if (failure) throw failure;
    return result;
  }

  async function pass(): Promise<number> {
    let published = 0;
    for (;;) {
      const n = await batch();
      // Another process holds the lock and will publish; look again shortly in case it just finished.
      if (n === 'locked') {
        later(50, () => relay.wake());
        return published;
      }
      published += n;
      if (n < batchSize) return published;
    }
  }

  function later(ms: number, then: () => void) {
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      then();
    }, ms);
    retryTimer.unref();
  }

  const relay: Relay = {
    wake() {
      if (stopped || failures > 0) return; // backing off: the retry timer will come
      if (running) {
        again = true;
        return;
      }
      void relay.drain();
    },
    drain() {
      if (running) return running;
      running = pass()
        .then((n) => {
          failures = 0;
          return n;
        })
        .catch((err: unknown) => {
          failures++;
          const delay = Math.min(maxBackoffMs, 100 * 2 ** (failures - 1)) * (0.75 + Math.random() / 2);
          log.warn({ err, failures, retryInMs: Math.round(delay) }, 'outbox relay: publish failed; events stay pending');
          later(delay, () => void relay.drain());
          return 0;
        })
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            relay.wake();
          }
        });
      return running;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(sweep);
      await running;
    },
  };

  const sweep = setInterval(() => relay.wake(), sweepMs || 2 ** 31 - 1);
  sweep.unref();
  return relay;
}
