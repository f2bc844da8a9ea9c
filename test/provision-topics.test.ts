import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { allTopics } from '../shared/events/topics.ts';
import { type KafkaBroker, startKafka } from './kafka-broker.ts';

// npm run provision-topics (the code the chart's topic Job runs) against a real broker that
// refuses to auto-create topics, as the cluster's does.

let broker: KafkaBroker;
let kafka: Kafka;

/** Runs the script as the Job does: configuration from the environment, a report on stdout. */
function provision(): { status: number | null; out: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/provision-topics.ts'], {
    env: { ...process.env, KAFKA_BROKERS: broker.brokers.join(','), LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

async function partitionCounts(): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    return Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]).sort());
  } finally {
    await admin.disconnect();
  }
}

const wanted = Object.fromEntries(allTopics.flatMap((t) => [[t.name, t.partitions], [t.deadLetter, 1]]).sort());

describe('provision-topics against a real Kafka broker', { timeout: 240_000 }, () => {
  before(async () => {
    broker = await startKafka();
    kafka = new Kafka({ brokers: broker.brokers, clientId: 'provision-test', logLevel: logLevel.NOTHING });
  });
  after(() => broker?.destroy());

  it('creates every topic with its partition count (task-events 3) and a dead-letter topic for each', async () => {
    const first = provision();
    assert.equal(first.status, 0, first.out);
    assert.deepEqual(await partitionCounts(), wanted);
    assert.equal(wanted['task-events'], 3);
    for (const t of allTopics) assert.match(first.out, new RegExp(`^${t.deadLetter}: created \\(1\\)$`, 'm'));
  });

  it('changes nothing on a second run', async () => {
    const second = provision();
    assert.equal(second.status, 0, second.out);
    assert.equal(second.out.trim(), 'topics up to date');
    assert.deepEqual(await partitionCounts(), wanted);
  });

  it('adds partitions to a topic that has too few, and leaves the rest alone', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: ['reminder-events'] });
      await admin.createTopics({ topics: [{ topic: 'reminder-events', numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const run = provision();
    assert.equal(run.status, 0, run.out);
    assert.equal(run.out.trim(), `reminder-events: partitions added (${wanted['reminder-events']})`);
    assert.deepEqual(await partitionCounts(), wanted);
  });
});
