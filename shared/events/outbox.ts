import { getConfig } from '../config.ts';
import { sql, type Tx } from '../db/client.ts';
import { syncedTransaction } from '../sync/commit.ts';
import type { CloudEvent } from './cloudevent.ts';

const config = getConfig();

export interface Outgoing {
  topic: string;
  event: CloudEvent;
}

// Until a relay registers, the first commit starts this process's relay (when its transport can
// run here); the import is lazy because the relay imports this module.
let onCommit: () => void = () => {
  void import('./process-relay.ts').then((m) => m.relayForThisProcess().then((relay) => relay.wake())).catch(() => {});
};

/** The relay of this process asks to hear of every commit that wrote events. */
export function onOutboxCommit(listener: () => void): void {
  onCommit = listener;
}

/**
 * Writes events in the caller's transaction: they exist exactly when the change they describe does.
 * Types switched off by EVENTS_OFF (a rollback switch) are not written at all.
 */
export async function enqueue(tx: Tx, items: Outgoing[]): Promise<void> {
  const rows = items
    .filter(({ event }) => !config.EVENTS_OFF.includes(event.type))
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
 * once it commits, the relay is woken to publish them and the user's open tabs to fetch the change.
 */
export async function writeTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await syncedTransaction(sql, work);
  onCommit();
  return result;
}
