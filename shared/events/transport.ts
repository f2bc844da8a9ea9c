import type { CloudEvent } from './cloudevent.ts';

/** One event on its way to a topic; `key` is the partition key (the user id). */
export interface Envelope {
  topic: string;
  key: string;
  event: CloudEvent;
}

/**
 * Where the relay publishes: in-process (local), the Dapr sidecar (dapr) or Kafka itself (kafka).
 * `publish` resolves once the whole batch is accepted, in order, and rejects otherwise: the relay
 * then publishes the batch again later, so consumers must (and do) tolerate repeats.
 */
export interface Transport {
  readonly name: string;
  publish(batch: Envelope[]): Promise<void>;
  close(): Promise<void>;
}

/** What a consumer answers, in Dapr's words: done, try again later, or never (dead-lettered). */
export type Outcome = 'SUCCESS' | 'RETRY' | 'DROP';
