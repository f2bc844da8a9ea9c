import type { Tx } from '../db/client.ts';
import { runtime } from '../runtime/current.ts';
import { syncedTransaction } from '../sync/commit.ts';
import type { CloudEvent } from './cloudevent.ts';

export interface Outgoing {
  topic: string;
  event: CloudEvent;
}

/**
 * Writes events in the caller's transaction: they exist exactly when the change they describe does.
 * Types switched off by EVENTS_OFF (a rollback switch) are not written at all.
 */
export async function enqueue(tx: Tx, items: Outgoing[]): Promise<void> {
  const off = runtime().config.EVENTS_OFF;
  const rows = items
    .filter(({ event }) => !off.includes(event.type))
    .map(({ topic, event }) => ({
      event_id: event.id,
      topic,
      partition_key: event.partitionkey ?? event.subject ?? event.id,
      type: event.type,
      event: tx.json(event as Parameters<typeof tx.json>[0]),
    }));
  if (rows.length === 0) return;
  await tx`insert into outbox ${tx(rows, 'event_id', 'topic', 'partition_key', 'type', 'event')}`;
}

/**
 * A transaction that may write events, run again when it loses a race with another (see retry.ts);
 * once it commits, the runtime's commit signal wakes the relay to publish them, and the user's open
 * tabs are woken to fetch the change.
 */
export async function writeTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const { sql, commits } = runtime();
  const result = await syncedTransaction(sql, work);
  commits.committed();
  return result;
}
