import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { db } from '../shared/db/client.ts';
import type { Delivery, Subscriber } from '../shared/events/batch.ts';
import { type ConsumerRunner, runKafkaConsumer } from '../shared/events/kafka-consumer.ts';
import type { Topic } from '../shared/events/topics.ts';
import type { Outcome } from '../shared/events/transport.ts';
import { eventually } from './helpers.ts';
import { type KafkaBroker, startKafka } from './kafka-broker.ts';

// The consumer runner against a real broker, with a scripted batch handler in place of a function:
// what it is handed, in what order, and what it commits.

const sql = db();
let broker: KafkaBroker;
let kafka: Kafka;

before(async () => {
  broker = await startKafka();
  kafka = new Kafka({ brokers: broker.brokers, clientId: 'test', logLevel: logLevel.NOTHING });
});

after(async () => {
  await broker.destroy();
  await sql.end();
});

async function freshTopic(): Promise<Topic> {
  const name = `batches-${randomUUID()}`;
  const topic = { name, partitions: 1, deadLetter: `${name}-dlq` };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }, { topic: topic.deadLetter, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/**
 * Answers SUCCESS and records the effect, except RETRY for the ids in `failing` (as many times as
 * given) and for every later event of a key that got a RETRY in the same call, as the contract asks.
 */
function scripted(topic: Topic, failing: Map<string, number>) {
  const calls: string[][] = [];
  const effects: string[] = [];
  const subscriber: Subscriber = {
    name: `scripted-${randomUUID()}`,
    topic: topic.name,
    handleEvent: () => Promise.reject(new Error('the runner hands batches')),
    handleBatch: (deliveries: Delivery[]) => {
      const ids = deliveries.map((d) => (d.event as { id: string }).id);
      calls.push(ids);
      const held = new Set<string>();
      return Promise.resolve(
        deliveries.map(({ key }, i): Outcome => {
          const id = ids[i]!;
          const left = failing.get(id) ?? 0;
          if (held.has(key) || left > 0) {
            if (left > 0) failing.set(id, left - 1);
            held.add(key);
            return 'RETRY';
          }
          effects.push(id);
          return 'SUCCESS';
        }),
      );
    },
  };
  return { subscriber, calls, effects };
}

async function committedOffset(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return Number(offsets!.partitions[0]!.offset);
}

describe('Kafka consumer runner, in batches', () => {
  let runner: ConsumerRunner | undefined;
  after(() => runner?.stop());

  it("hands records over many at a time, keeps each key's order through a retry, redoes nothing done, and commits every offset", async () => {
    const topic = await freshTopic();
    const keys = ['a', 'b', 'c'];
    const records = Array.from({ length: 300 }, (_, n) => ({ key: keys[n % 3]!, id: `${keys[n % 3]}-${n}` }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic.name, messages: [...records.map(({ key, id }) => ({ key, value: JSON.stringify({ id }) })), { key: 'a', value: 'not json' }] });
    await producer.disconnect();

    const { subscriber, calls, effects } = scripted(topic, new Map([['a-30', 2]]));
    runner = await runKafkaConsumer({ brokers: broker.brokers, clientId: 'test', groupId: subscriber.name, topic, subscriber, maxBackoffMs: 50 });
    await eventually(() => Promise.resolve(effects.length === 300), { timeoutMs: 30_000 });

    assert.ok(Math.max(...calls.map((c) => c.length)) > 1, `calls of ${calls.map((c) => c.length).join(', ')} records`);
    for (const key of keys) {
      assert.deepEqual(effects.filter((id) => id.startsWith(`${key}-`)), records.filter((r) => r.key === key).map((r) => r.id), `order of ${key}`);
    }
    // After the retry, only what was unfinished came again: b and c were not handed twice.
    const handed = calls.flat();
    assert.equal(handed.filter((id) => id === 'b-31').length, 1, 'b-31 handed once');
    assert.equal(handed.filter((id) => id === 'a-30').length, 3, 'a-30 handed three times');
    await eventually(async () => (await committedOffset(subscriber.name, topic.name)) === 301, { timeoutMs: 10_000 });
  });

  it('dead-letters a record that is not JSON to the store and the dead-letter topic, and goes on', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer();
    await producer.connect();
    const marker = `not json ${randomUUID()}`;
    await producer.send({ topic: topic.name, messages: [{ key: 'k', value: marker }, { key: 'k', value: JSON.stringify({ id: 'after' }) }] });
    await producer.disconnect();

    const { subscriber, effects } = scripted(topic, new Map());
    const own = await runKafkaConsumer({ brokers: broker.brokers, clientId: 'test', groupId: subscriber.name, topic, subscriber, maxBackoffMs: 50 });
    try {
      await eventually(() => Promise.resolve(effects.includes('after')), { timeoutMs: 30_000 });
      const [stored] = await sql`select consumer, reason from dead_letters where payload = ${marker}`;
      assert.deepEqual({ ...stored }, { consumer: subscriber.name, reason: 'not JSON' });
      const dlq = kafka.consumer({ groupId: `reader-${randomUUID()}` });
      await dlq.connect();
      await dlq.subscribe({ topic: topic.deadLetter, fromBeginning: true });
      const dead = await new Promise<string>((resolve) => void dlq.run({ eachMessage: ({ message }) => (resolve(message.value!.toString()), Promise.resolve()) }));
      await dlq.disconnect();
      assert.equal(dead, marker);
    } finally {
      await own.stop();
    }
  });
});
