import type { Outcome } from './transport.ts';

/** One event as a transport hands it over: `key` is its partition key (the user id). */
export interface Delivery {
  key: string;
  event: unknown;
}

/**
 * Handles events in the order given and answers one outcome per event. RETRY means "not done":
 * the transport hands that event over again later. An event after a RETRY of the same key must
 * answer RETRY too, so that each user's events take effect in order.
 */
export type BatchHandler = (deliveries: Delivery[]) => Promise<Outcome[]>;

/** What a transport feeds: one event at a time over HTTP (Dapr, Knative), a batch in process or from Kafka. */
export interface Subscriber {
  name: string;
  topic: string;
  handleEvent(event: unknown): Promise<Outcome>;
  handleBatch?: BatchHandler;
}

/**
 * A batch handled one event at a time: each key's events one after another, stopping at its first
 * RETRY; different keys side by side, as partitions would.
 */
export function oneByOne(handleEvent: (event: unknown) => Promise<Outcome>): BatchHandler {
  return async (deliveries) => {
    const outcomes: Outcome[] = deliveries.map(() => 'RETRY');
    const byKey = new Map<string, number[]>();
    deliveries.forEach(({ key }, i) => {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    });
    await Promise.all(
      [...byKey.values()].map(async (indexes) => {
        for (const i of indexes) {
          const outcome = await handleEvent(deliveries[i]!.event).catch((): Outcome => 'RETRY');
          outcomes[i] = outcome;
          if (outcome === 'RETRY') return;
        }
      }),
    );
    return outcomes;
  };
}

export const batchHandler = (s: Subscriber): BatchHandler => s.handleBatch ?? oneByOne((e) => s.handleEvent(e));

/**
 * The events of a batch still to do after a round, and for each key its first one: the one that
 * actually failed (the others of its key only waited behind it).
 */
export function unfinished<T extends { key: string }>(items: T[], outcomes: Outcome[]): { rest: T[]; heads: Set<T> } {
  const rest = items.filter((_, i) => (outcomes[i] ?? 'RETRY') === 'RETRY');
  const heads = new Set<T>();
  const keys = new Set<string>();
  for (const item of rest) {
    if (keys.has(item.key)) continue;
    keys.add(item.key);
    heads.add(item);
  }
  return { rest, heads };
}
