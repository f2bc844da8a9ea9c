import { type Delivery, type Subscriber, batchHandler, unfinished } from './batch.ts';
import { recordDeadLetter } from './dead-letters.ts';
import type { Envelope, Transport } from './transport.ts';

// Where Subscriber lived before batches; kept so that code importing it from here still builds.
export type { Subscriber } from './batch.ts';

interface Options {
  subscribers: Subscriber[];
  maxAttempts?: number;
  baseDelayMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Pending = Envelope & Delivery & { attempts: number };

/**
 * In-process delivery with a broker's rules: each subscriber of the topic gets the batch's events in
 * order, as one batch (log-activity writes a whole batch in one transaction); the events it answers
 * RETRY (or all of them, if it throws) go round again with exponential backoff, and an event still
 * failing after the last attempt goes to the dead-letter store. `publish` resolves once every
 * subscriber is done with the batch, so the relay marks events published only after they were
 * handled: a crash loses nothing.
 */
export function createLocalTransport({ subscribers, maxAttempts = 5, baseDelayMs = 50 }: Options): Transport {
  async function deliver(subscriber: Subscriber, envelopes: Envelope[]): Promise<void> {
    const handle = batchHandler(subscriber);
    let pending: Pending[] = envelopes.map((e) => ({ ...e, attempts: 0 }));
    let round = 0;
    while (pending.length > 0) {
      if (round++ > 0) await pause(baseDelayMs * 2 ** (Math.max(...pending.map((p) => p.attempts)) - 1));
      const outcomes = await handle(pending).catch(() => pending.map(() => 'RETRY' as const));
      const { rest, heads } = unfinished(pending, outcomes);
      // Only the first unfinished event of each key was tried and failed; the rest waited behind it.
      for (const head of heads) head.attempts++;
      const given = rest.filter((p) => heads.has(p) && p.attempts >= maxAttempts);
      for (const p of given) {
        await recordDeadLetter({ consumer: subscriber.name, topic: p.topic, eventId: p.event.id, reason: `still failing after ${p.attempts} attempts`, payload: p.event });
      }
      pending = rest.filter((p) => !given.includes(p));
    }
  }

  return {
    name: 'local',
    async publish(batch) {
      await Promise.all(
        subscribers.map(async (s) => {
          const mine = batch.filter((e) => e.topic === s.topic);
          if (mine.length > 0) await deliver(s, mine);
        }),
      );
    },
    close: () => Promise.resolve(),
  };
}
