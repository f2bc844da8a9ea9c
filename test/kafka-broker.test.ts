import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { type KafkaBroker, startKafka } from './kafka-broker.ts';

const sent = [
  { key: 'a', value: 'one' },
  { key: 'b', value: 'two' },
  { key: 'c', value: 'three' },
];

/** Reads `count` messages of `topic` from the start with a fresh consumer group, sorted by key. */
async function readAll(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const got: { key: string; value: string }[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            got.push({ key: String(message.key), value: String(message.value) });
            if (got.length >= count) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return got.sort((x, y) => x.key.localeCompare(y.key));
}

describe('local Kafka broker', { timeout: 180_000 }, () => {
  let broker: KafkaBroker;
  let kafka: Kafka;

  before(async () => {
    broker = await startKafka();
    kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  after(() => broker?.destroy());

  it('creates a 3-partition topic and hands idempotently produced keyed messages to a consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'smoke', numPartitions: 3 }], waitForLeaders: true }), true);
      const [meta] = (await admin.fetchTopicMetadata({ topics: ['smoke'] })).topics;
      assert.equal(meta?.partitions.length, 3);
    } finally {
      await admin.disconnect();
    }

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: 'smoke', messages: sent });
    } finally {
      await producer.disconnect();
    }

    assert.deepEqual(await readAll(kafka, 'smoke', sent.length), sent);
  });

  it('keeps topics and messages when stopped and started again on the same port', async () => {
    const port = broker.port;
    await broker.stop();
    await broker.start();
    assert.equal(broker.port, port);
    assert.deepEqual(await readAll(kafka, 'smoke', sent.length), sent);
  });

  it('removes its data dir on destroy', async () => {
    assert.ok(existsSync(broker.dir));
    await broker.destroy();
    assert.equal(existsSync(broker.dir), false);
  });
});
