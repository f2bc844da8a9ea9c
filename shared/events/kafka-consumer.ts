import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { log } from '../observability/log.ts';
import { type Subscriber, batchHandler, unfinished } from './batch.ts';
import { recordDeadLetter } from './dead-letters.ts';
import { kafkaClient } from './kafka.ts';
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
  /** The most events handed to the function at once (one database transaction for log-activity). */
  maxBatch?: number;
}

export interface ConsumerRunner {
  stop(): Promise<void>;
}

/** The CloudEvent in a record: structured (the value is the event) or binary (ce_ headers). */
function toEvent(message: KafkaMessage): unknown {
  const text = message.value?.toString('utf8') ?? '';
  const data: unknown = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  })();
  // Structured mode (what the relay and Dapr write) needs no header decoded.
  if (!message.headers?.ce_specversion?.toString()) return data;
  const attributes = Object.fromEntries(
    Object.entries(message.headers)
      .filter(([k]) => k.startsWith('ce_'))
      .map(([k, v]) => [k.slice(3), v?.toString()]),
  );
  return { ...attributes, data };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Item {
  key: string;
  event: unknown;
  message: KafkaMessage;
}

/**
 * Feeds a topic to an event function without a sidecar, with Dapr's rules and in batches: the
 * records a fetch returned go to the function together (in order, at most `maxBatch` at once);
 * DROP copies a record to the dead-letter topic; the offset is committed only after the effects of
 * every record before it (SUCCESS, or DROP and its dead-letter copy); records answered RETRY go round
 * again with backoff, holding the partition's offset (per-user order) until they succeed.
 */
export async function runKafkaConsumer({ brokers, clientId, groupId, topic, subscriber, maxBackoffMs = 10_000, maxBatch = 1000 }: Options): Promise<ConsumerRunner> {
  const kafka = kafkaClient({ brokers, clientId });
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 10 } });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const handle = batchHandler(subscriber);
  let stopping = false;

  /** One round over `items`: their outcomes, after every DROP is dead-lettered. */
  async function round(items: Item[]): Promise<Outcome[]> {
    const events = items.filter((i) => typeof i.event === 'object' && i.event !== null);
    const handled = events.length > 0 ? await handle(events).catch(() => events.map(() => 'RETRY' as const)) : [];
    // A Map, not indexOf: a batch holds thousands of records.
    const outcomeOf = new Map(events.map((item, n) => [item, handled[n] ?? ('RETRY' as const)]));
    const outcomes = items.map((i): Outcome => outcomeOf.get(i) ?? 'DROP');
    const dropped = items.filter((_, n) => outcomes[n] === 'DROP');
    for (const { event, message } of dropped) {
      if (typeof event !== 'object' || event === null) {
        await recordDeadLetter({ consumer: subscriber.name, topic: topic.name, reason: 'not JSON', payload: message.value?.toString('utf8') ?? '' });
      }
    }
    if (dropped.length > 0) {
      await producer.send({
        topic: topic.deadLetter,
        messages: dropped.map(({ message }) => ({ key: message.key, value: message.value, headers: { ...message.headers, 'taskfn-dropped-by': subscriber.name } })),
      });
    }
    return outcomes;
  }

  await Promise.all([consumer.connect(), producer.connect()]);
  // From the oldest offset: events published before this group first started are not lost.
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Partitions side by side, each in its own transaction: order only matters within a partition.
    partitionsConsumedConcurrently: topic.partitions,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const all: Item[] = batch.messages.map((message) => ({ key: message.key?.toString('utf8') ?? '', event: toEvent(message), message }));
      for (let start = 0; start < all.length; start += maxBatch) {
        const chunk = all.slice(start, start + maxBatch);
        let pending = chunk;
        for (let attempt = 1; ; attempt++) {
          // A failure to reach Kafka or the database here leaves the offset where it was: kafkajs
          // restarts the consumer and these records come again, and their effects are deduplicated.
          const outcomes = await round(pending);
          const { rest } = unfinished(pending, outcomes);
          // Everything before the first unfinished record is done: commit up to it.
          const firstLeft = rest[0] ? chunk.indexOf(rest[0]) : chunk.length;
          const done = chunk[firstLeft - 1];
          if (done) {
            payload.resolveOffset(done.message.offset);
            await consumer.commitOffsets([{ topic: topic.name, partition: batch.partition, offset: (BigInt(done.message.offset) + 1n).toString() }]);
          }
          chunk.splice(0, firstLeft);
          pending = rest;
          if (pending.length === 0) break;
          // Stopping or rebalanced away: not committed, so delivered again later.
          if (stopping || !payload.isRunning() || payload.isStale()) return;
          await pause(Math.min(maxBackoffMs, 100 * 2 ** (attempt - 1)));
          await payload.heartbeat();
        }
        await payload.heartbeat();
      }
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
