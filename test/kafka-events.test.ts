import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type KafkaMessage, logLevel, Kafka } from 'kafkajs';
import type postgres from 'postgres';
import * as client from '../shared/db/client.ts';
import { daprCompatiblePartitioner } from '../shared/events/kafka.ts';
import { saramaPartition } from '../shared/events/partition.ts';
import { provisionTopics } from '../shared/events/provision.ts';
import { parseTaskEvent, taskEvent } from '../shared/events/task-events.ts';
import { freshDatabase } from './databases.ts';
import { freePort } from './free-port.ts';
import { type Client, clientFor, eventually } from './helpers.ts';
import { type KafkaBroker, startKafka } from './kafka-broker.ts';
import { exited, start } from './processes.ts';

const testSql = client.db();

// The whole path with a real Kafka broker: the local host publishes through the kafka transport and
// runs log-activity from the topic with the consumer runner. The host runs as a child process on a
// database of its own, so no other test's relay publishes its events.

let broker: KafkaBroker;
let kafka: Kafka;
let db: { sql: postgres.Sql; url: string; drop: () => Promise<void> };
let host: ReturnType<typeof start>;
let url = '';

before(async () => {
  broker = await startKafka();
  kafka = new Kafka({ brokers: broker.brokers, clientId: 'test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin);
  await admin.disconnect();
  db = await freshDatabase({ migrated: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  host = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    EVENT_TRANSPORT: 'kafka',
    KAFKA_BROKERS: broker.brokers.join(','),
    RELAY_MAX_BACKOFF_MS: '1000',
    LOG_LEVEL: 'warn',
  });
  await eventually(() => fetch(`${url}/healthz`).then((r) => r.ok, () => false), { timeoutMs: 30_000 });
});

after(async () => {
  host.kill('SIGTERM');
  await exited(host);
  await broker.destroy();
  await db.drop();
  await testSql.end();
});

/** Every record of `topic` from the start, read until `done` says so. */
async function readTopic(topic: string, done: (messages: KafkaMessage[]) => boolean, timeoutMs = 30_000): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const seen: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} records on ${topic}`)), timeoutMs);
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          seen.push({ ...message, partition });
          if (done(seen)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const activityOf = (c: Client, query = '') => c.get(`/api/activity?limit=200${query}`);

describe('events through a real Kafka broker', () => {
  it('publishes task events keyed and partitioned by user, as CloudEvents, and log-activity records them', async () => {
    const c = await clientFor(url);
    const task = (await c.post('/api/tasks', { title: 'via kafka' })).body;
    const records = await readTopic('task-events', (ms) => ms.some((m) => JSON.parse(m.value!.toString()).subject === task.id));
    const record = records.find((m) => JSON.parse(m.value!.toString()).subject === task.id)!;
    assert.equal(record.key!.toString(), c.user, 'key');
    assert.equal(record.partition, saramaPartition(c.user, 3), `partition of ${c.user}`);
    assert.equal(record.headers!['content-type']!.toString(), 'application/cloudevents+json; charset=utf-8', 'content-type');
    const parsed = parseTaskEvent(JSON.parse(record.value!.toString()));
    assert.ok(parsed.ok);
    assert.equal(parsed.event.type, 'com.taskfn.task.created', 'type');
    const activity = await eventually(async () => (await activityOf(c)).body.items.length === 1 && (await activityOf(c)));
    assert.equal(activity.body.items[0].entity_id, task.id, 'activity entity');
  });

  it('loses no event while the broker is down: 200 writes answer 201, and 200 events and activity rows arrive after, no more', async () => {
    const c = await clientFor(url);
    await broker.stop();
    for (let i = 0; i < 200; i += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, j) => c.post('/api/tasks', { title: `during the outage ${i + j}` })));
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [201]);
    }
    const [pendingRows] = await db.sql`select count(*)::int as n from outbox where partition_key = ${c.user} and published_at is null`;
    assert.equal(pendingRows!.n, 200);
    await broker.start();
    const activity = await eventually(async () => {
      const res = await activityOf(c);
      return res.body.items.length === 200 && res;
    }, { timeoutMs: 90_000, everyMs: 250 });
    assert.equal(activity.body.next_cursor, null);
    const mine = (ms: KafkaMessage[]) => new Set(ms.filter((m) => m.key?.toString() === c.user).map((m) => JSON.parse(m.value!.toString()).id as string));
    const records = await readTopic('task-events', (ms) => mine(ms).size >= 200);
    assert.equal(mine(records).size, 200);
    const [rows] = await db.sql`select count(*)::int as n from activity_log where user_id = ${c.user}`;
    assert.equal(rows!.n, 200);
  });

  it('records an event delivered five times once, and a poison event goes to the dead-letter topic without blocking the next', async () => {
    const c = await clientFor(url);
    const producer = kafka.producer({ createPartitioner: daprCompatiblePartitioner });
    await producer.connect();
    const now = new Date().toISOString();
    const task = (title: string) => ({
      id: randomUUID(), title, description: '', priority: 'low' as const, due_at: null, tags: [], completed: false,
      completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null,
    });
    const repeated = taskEvent('com.taskfn.task.created', 'test', { user_id: c.user, task: task('repeated') }).event;
    const poison = { ...taskEvent('com.taskfn.task.created', 'test', { user_id: c.user, task: task('poison') }).event, data: { user_id: c.user } };
    const after = taskEvent('com.taskfn.task.created', 'test', { user_id: c.user, task: task('after the poison') }).event;
    const record = (e: unknown) => ({ key: c.user, value: JSON.stringify(e) });
    await producer.send({ topic: 'task-events', messages: [...Array.from({ length: 5 }, () => record(repeated)), record(poison), record(after)] });
    await producer.disconnect();

    // Same key, same partition, in order: once `after` is recorded, everything before it was handled.
    const activity = await eventually(async () => {
      const res = await activityOf(c);
      return res.body.items.some((a: { event_id: string }) => a.event_id === after.id) && res;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(activity.body.items.map((a: { event_id: string }) => a.event_id).sort(), [repeated.id, after.id].sort());
    // Every consumer of the topic drops it: log-activity's copy is the one this test is about.
    const droppedBy = (ms: { value: Buffer | null; headers?: Record<string, unknown> }[], fn: string) =>
      ms.some((m) => JSON.parse(m.value!.toString()).id === poison.id && String(m.headers!['taskfn-dropped-by']) === fn);
    const dead = await readTopic('task-events-dlq', (ms) => droppedBy(ms, 'log-activity'));
    assert.ok(droppedBy(dead, 'log-activity'));
    const [stored] = await db.sql`select reason from dead_letters where event_id = ${poison.id}`;
    assert.match(stored!.reason, /data does not match/);
  });
});
