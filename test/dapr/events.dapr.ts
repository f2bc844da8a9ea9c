import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { saramaPartition } from '../../shared/events/partition.ts';
import { topics } from '../../shared/events/topics.ts';
import { clientFor, eventually, request } from '../helpers.ts';
import { daprStack } from './setup.ts';
import { readWholeTopic } from './stack.ts';

const sql = db();

// Task events end to end through real sidecars: create-task's outbox relay publishes through its
// daprd to Kafka, log-activity's daprd consumes them by the committed Subscription and Resiliency.

const stack = daprStack(['create-task', 'log-activity']);
const api = () => clientFor(stack.fns['create-task']!.url);
const taskEvents = topics.taskEvents;

const activityOf = (taskId: string) => sql<{ event_id: string; user_id: string; type: string }[]>`
  select event_id, user_id, type from activity_log where entity_id = ${taskId}`;

const idOf = (value: unknown) => (value as { id?: string } | null)?.id;

/** What a sidecar and its app printed, for a failure message. */
const logs = (name: string) => `--- ${name}:\n${stack.fns[name]!.app.output.join('\n')}\n--- daprd ${name}:\n${stack.fns[name]!.daprd.logs.join('\n')}`;

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  return eventually(probe, { timeoutMs, everyMs: 100 }).catch((err: Error) => {
    throw new Error(`${what}: ${err.message}\n${logs('create-task')}\n${logs('log-activity')}`);
  });
}

describe('task events through daprd and Kafka', () => {
  it("POST /api/tasks reaches log-activity: one activity row; the Kafka record's key and partition are the user's", async () => {
    const c = await api();
    const created = await c.post('/api/tasks', { title: 'through two sidecars' });
    assert.equal(created.status, 201);
    const row = await until('the activity row', async () => (await activityOf(created.body.id))[0]);
    assert.deepEqual([row.user_id, row.type], [c.user, 'task.created']);
    const [outbox] = await sql`select partition_key, published_at from outbox where event_id = ${row.event_id}`;
    assert.equal(outbox?.partition_key, c.user);
    assert.ok(outbox?.published_at, 'the relay marked the row published once daprd took it');

    const records = (await readWholeTopic(stack.kafka.kafka, taskEvents.name)).filter((r) => idOf(r.value) === row.event_id);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.key, c.user);
    assert.equal(records[0]!.partition, saramaPartition(c.user, taskEvents.partitions));
    // daprd forwards taskfn's own CloudEvent, not an envelope around it.
    assert.equal((records[0]!.value as { type: string }).type, 'com.taskfn.task.created');
  });

  it('with Kafka stopped, task writes still answer 201; with Kafka back, every event arrives, none twice', async () => {
    const c = await api();
    await stack.kafka.broker.stop();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const created = await c.post('/api/tasks', { title: `written during the outage ${i}` });
        assert.equal(created.status, 201);
        ids.push(created.body.id);
      }
      // The relay tried daprd, daprd could not reach Kafka: the events wait in the outbox.
      await until('failed publish attempts', async () => {
        const [r] = await sql`select count(*)::int as n from outbox where partition_key = ${c.user} and published_at is null and attempts > 0`;
        return r?.n === 5;
      });
    } finally {
      await stack.kafka.broker.start();
    }
    const rows = await until(
      'activity rows after the outage',
      async () => {
        const found = await sql<{ event_id: string; entity_id: string }[]>`select event_id, entity_id from activity_log where user_id = ${c.user}`;
        return found.length >= 5 && found;
      },
      180_000,
    );
    assert.deepEqual(rows.map((r) => r.entity_id).sort(), [...ids].sort());
    const onTopic = (await readWholeTopic(stack.kafka.kafka, taskEvents.name)).filter((r) => r.key === c.user).map((r) => idOf(r.value));
    assert.deepEqual(onTopic.sort(), rows.map((r) => r.event_id).sort(), 'each event is on the topic exactly once');
  });

  it('a poison event is answered DROP, lands on the dead-letter topic, and the events behind it still flow', async () => {
    const c = await api();
    const poison = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'a-foreign-producer',
      type: 'com.taskfn.task.created',
      datacontenttype: 'application/json',
      data: { user_id: c.user, task: { title: 42 } },
    };
    // Straight onto the user's partition, ahead of the user's next event.
    const producer = stack.kafka.kafka.producer();
    await producer.connect();
    await producer.send({ topic: taskEvents.name, messages: [{ key: c.user, partition: saramaPartition(c.user, taskEvents.partitions), value: JSON.stringify(poison) }] });
    await producer.disconnect();
    const created = await c.post('/api/tasks', { title: 'behind the poison' });
    assert.equal(created.status, 201);

    await until('the activity row behind the poison', async () => (await activityOf(created.body.id))[0]);
    const [dead] = await sql`select consumer, topic from dead_letters where event_id = ${poison.id}`;
    assert.deepEqual([dead?.consumer, dead?.topic], ['log-activity', taskEvents.name]);
    const dlq = await until('the poison on the dead-letter topic', async () => {
      const found = (await readWholeTopic(stack.kafka.kafka, taskEvents.deadLetter)).filter((r) => idOf(r.value) === poison.id);
      return found.length > 0 && found;
    });
    assert.equal(dlq.length, 1);
    assert.equal((await sql`select 1 from activity_log where event_id = ${poison.id}`).length, 0);
  });

  it('an event answered RETRY twice is redelivered by the Resiliency policy, then recorded once', async () => {
    const c = await api();
    // A real failure in log-activity's transaction, twice, for this user only: the handler answers
    // RETRY (its error path), and daprd redelivers. The sequence counts attempts across rollbacks.
    const seq = `attempts_${randomUUID().replaceAll('-', '')}`;
    await sql.unsafe(`create sequence ${seq}`);
    await sql.unsafe(`
      create function ${seq}_fail() returns trigger language plpgsql as $$
      begin
        if nextval('${seq}') <= 2 then raise exception 'injected transient failure'; end if;
        return new;
      end $$`);
    await sql.unsafe(`create trigger ${seq} before insert on activity_log for each row when (new.user_id = '${c.user}') execute function ${seq}_fail()`);
    const sidecarLinesBefore = stack.fns['log-activity']!.daprd.logs.length;
    try {
      const created = await c.post('/api/tasks', { title: 'fails twice' });
      assert.equal(created.status, 201);
      const row = await until('the activity row after two retries', async () => (await activityOf(created.body.id))[0]);
      const [attempts] = await sql.unsafe(`select last_value::int as n from ${seq}`);
      assert.equal(attempts?.n, 3, 'two failed deliveries and the one that succeeded');
      assert.equal((await activityOf(created.body.id)).length, 1);
      assert.equal((await sql`select 1 from dead_letters where event_id = ${row.event_id}`).length, 0);
      // The app's answer (RETRY, as a 503) twice for this event, then the policy's own account.
      const lines = stack.fns['log-activity']!.daprd.logs.slice(sidecarLinesBefore);
      const retried = lines.filter((l) => l.includes(`msg="retriable error returned from app while processing pub/sub event ${row.event_id},`));
      assert.equal(retried.length, 2, `daprd reports two RETRY answers:\n${logs('log-activity')}`);
      assert.equal(lines.filter((l) => /Recovered processing operation component\[pubsub\] input after 3 attempts/.test(l)).length, 1);
    } finally {
      await sql.unsafe(`drop trigger ${seq} on activity_log`);
      await sql.unsafe(`drop function ${seq}_fail`);
      await sql.unsafe(`drop sequence ${seq}`);
    }
  });

  it('event deliveries without the app API token are refused, and so are calls to daprd without its token', async () => {
    const event = { specversion: '1.0', id: randomUUID(), source: 'test', type: 'com.taskfn.task.created', datacontenttype: 'application/json', data: {} };
    const deliver = (headers: Record<string, string>) =>
      request(stack.fns['log-activity']!.url, 'POST', '/events/log-activity', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
    assert.equal((await deliver({})).status, 401);
    assert.equal((await deliver({ 'dapr-api-token': 'not-the-token' })).status, 401);
    assert.equal((await sql`select 1 from dead_letters where event_id = ${event.id}`).length, 0, 'a refused call reaches no handler');

    const publish = (headers: Record<string, string>) =>
      fetch(`${stack.fns['create-task']!.daprd.url}/v1.0/publish/pubsub/${taskEvents.name}`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
    assert.equal((await publish({})).status, 401);
  });
});
