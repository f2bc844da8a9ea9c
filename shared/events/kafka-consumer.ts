import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { log } from '../observability/log.ts';
import { recordDeadLetter } from './dead-letters.ts';
import { kafkaClient } from './kafka.ts';
import type { Subscriber } from './local.ts';
import type { Topic } from './topics.ts';
import type { Outcome } from './transport.ts';

interface Options {
  brokers: string[];
  clientId: string;
  /** One consumer group per function, as Dapr makes one per app id. */
  groupId: string;
  topic: Topic;
  subscriber: Subscriber;
  maxBackoffMs?: number;
}

export interface ConsumerRunner {
  stop(): Promise<void>;
}

/** The CloudEvent in a record: structured (the value is the event) or binary (ce_ headers). */
function toEvent(message: KafkaMessage): unknown {
  const text = message.value?.toString('utf8') ?? '';
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
  const data: unknown = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  })();
  if (!headers.ce_specversion) return data;
  const attributes = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('ce_')).map(([k, v]) => [k.slice(3), v]));
  return { ...attributes, data };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Feeds a topic to an event function without a sidecar, with Dapr's rules: offsets are committed
 * only after the handler answered SUCCESS or DROP; DROP also copies the record to the dead-letter
 * topic; RETRY is retried with backoff, holding the partition (per-user order) until it succeeds.
 */
export async function runKafkaConsumer({ brokers, clientId, groupId, topic, subscriber, maxBackoffMs = 10_000 }: Options): Promise<ConsumerRunner> {
  const kafka = kafkaClient({ brokers, clientId });
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 10 } });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let stopping = false;
  await Promise.all([consumer.connect(), producer.connect()]);
  // From the oldest offset: events published before this group first started are not lost.
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async (payload) => {
      const { partition, message } = payload;
      const event = toEvent(message);
      let outcome: Outcome;
      for (let attempt = 1; ; attempt++) {
        outcome = typeof event === 'object' && event !== null ? await subscriber.handleEvent(event) : 'DROP';
        if (outcome !== 'RETRY' || stopping) break;
        await pause(Math.min(maxBackoffMs, 100 * 2 ** (attempt - 1)));
        await payload.heartbeat();
      }
      if (outcome === 'RETRY') return; // stopping: not committed, so it is delivered again later
      if (outcome === 'DROP') {
        if (typeof event !== 'object' || event === null) {
          await recordDeadLetter({ consumer: subscriber.name, topic: topic.name, reason: 'not JSON', payload: message.value?.toString('utf8') ?? '' });
        }
        await producer.send({
          topic: topic.deadLetter,
          messages: [{ key: message.key, value: message.value, headers: { ...message.headers, 'taskfn-dropped-by': subscriber.name } }],
        });
      }
      await consumer.commitOffsets([{ topic: topic.name, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  log.info({ groupId, topic: topic.name }, 'kafka consumer running');
  return {
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
