import { recordDeadLetter } from './dead-letters.ts';
import type { Envelope, Outcome, Transport } from './transport.ts';

export interface Subscriber {
  name: string;
  topic: string;
  handleEvent(event: unknown): Promise<Outcome>;
}

interface Options {
  subscribers: Subscriber[];
  maxAttempts?: number;
  baseDelayMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * In-process delivery with a broker's rules: each subscriber of the topic gets each event in order;
 * RETRY (or a throw) is retried with exponential backoff, and after the last attempt the event goes
 * to the dead-letter store. `publish` resolves once every subscriber is done with the batch, so the
 * relay marks events published only after they were handled: a crash loses nothing.
 */
export function createLocalTransport({ subscribers, maxAttempts = 5, baseDelayMs = 50 }: Options): Transport {
  async function deliver(subscriber: Subscriber, { topic, event }: Envelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await subscriber.handleEvent(event).catch((): Outcome => 'RETRY');
      if (outcome !== 'RETRY') return;
      if (attempt >= maxAttempts) {
        await recordDeadLetter({ consumer: subscriber.name, topic, eventId: event.id, reason: `still failing after ${attempt} attempts`, payload: event });
        return;
      }
      await pause(baseDelayMs * 2 ** (attempt - 1));
    }
  }

  return {
    name: 'local',
    // Like partitions: each key's events go one after another, different keys side by side, so one
    // user's order holds while the database commits many users' events together.
    async publish(batch) {
      const byKey = new Map<string, Envelope[]>();
      for (const e of batch) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
      await Promise.all(
        [...byKey.values()].map(async (envelopes) => {
          for (const envelope of envelopes) {
            await Promise.all(subscribers.filter((s) => s.topic === envelope.topic).map((s) => deliver(s, envelope)));
          }
        }),
      );
    },
    close: () => Promise.resolve(),
  };
}
