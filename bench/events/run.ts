// bench/events: from `POST /api/tasks` returning to the activity row existing, through the local
// transport and through a real Kafka broker, beside the floor of a raw kafkajs produce → consume
// round trip on the same broker; and sustained events/s through log-activity.
// Usage: npm run bench:events [-- samples events]
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { provisionTopics } from '../../shared/events/provision.ts';
import { taskEvent } from '../../shared/events/task-events.ts';
import { freePort } from '../../test/free-port.ts';
import { tokenFor } from '../../test/helpers.ts';
import { startKafka } from '../../test/kafka-broker.ts';
import { exited } from '../../test/processes.ts';
import { report } from '../figures.ts';

const [samples = 300, bulk = 5000] = process.argv.slice(2).map(Number);
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (ns: bigint) => Number(ns) / 1e6;

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-events-'));
await chmod(dir, 0o755);
step('starting PostgreSQL and Kafka');
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false });
const broker = await startKafka();
const sql = postgres(db.url, { onnotice: () => {}, max: 4 });
await migrate(sql);
// Bench only: a notification when an activity row commits, so the clock stops at the commit itself.
await sql.unsafe(`
  create function bench_notify() returns trigger language plpgsql as $$
  begin perform pg_notify('activity', new.entity_id::text); return new; end $$;
  create trigger bench_notify after insert on activity_log for each row execute function bench_notify();`);
const kafka = new Kafka({ brokers: broker.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await provisionTopics(admin);
await admin.createTopics({ topics: [{ topic: 'bench-floor', numPartitions: 1 }], waitForLeaders: true });
await admin.disconnect();

// The row may commit before the HTTP answer is read: early arrivals are kept until asked for.
const waiting = new Map<string, (t: bigint) => void>();
const early = new Map<string, bigint>();
await sql.listen('activity', (id) => {
  const t = process.hrtime.bigint();
  const resolve = waiting.get(id);
  if (resolve) resolve(t);
  else early.set(id, t);
});
const committed = (id: string) =>
  new Promise<bigint>((resolve) => {
    const t = early.get(id);
    if (t !== undefined) {
      early.delete(id);
      resolve(t);
    } else {
      waiting.set(id, (at) => (waiting.delete(id), resolve(at)));
    }
  });

const secret = randomBytes(32).toString('base64url');

async function host(transport: 'local' | 'kafka') {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), EVENT_TRANSPORT: transport, KAFKA_BROKERS: broker.brokers.join(','), AUTH_MODE: 'jwt', JWT_SECRET: secret, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop: async () => (child.kill('SIGTERM'), await exited(child)) };
}

async function endToEnd(transport: 'local' | 'kafka') {
  const { url, stop } = await host(transport);
  const headers = { authorization: `Bearer ${await tokenFor(`bench-${transport}`, { secret })}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const res = await fetch(`${url}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: `bench ${i}` }) });
    const returned = process.hrtime.bigint();
    const { id } = (await res.json()) as { id: string };
    const seen = await committed(id);
    // The row can commit before the answer is read: then the latency is 0, not negative.
    if (i >= 20) latencies.push(Math.max(0, ms(seen - returned)));
  }
  // Sustained: `bulk` events put in the outbox at once, timed until log-activity recorded them all.
  const events = Array.from({ length: bulk }, (_, i) => {
    const now = new Date().toISOString();
    const task = { id: randomUUID(), title: `bulk ${i}`, description: '', priority: 'low' as const, due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null };
    return taskEvent('com.taskfn.task.created', 'bench', { user_id: `bulk-${transport}-${i % 50}`, task }).event;
  });
  const done = committed(events.at(-1)!.subject!);
  const started = process.hrtime.bigint();
  const rows = events.map((e) => ({ event_id: e.id, topic: 'task-events', partition_key: e.partitionkey!, type: e.type, event: sql.json(e as never) }));
  for (let i = 0; i < rows.length; i += 1000) await sql`insert into outbox ${sql(rows.slice(i, i + 1000))}`;
  await fetch(`${url}/relay-outbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const finished = await done;
  await stop();
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies), rate: bulk / (ms(finished - started) / 1000) };
}

/** POST latency with the broker up, then down: the HTTP answer must not wait for Kafka. */
async function writesDuringOutage() {
  const { url, stop } = await host('kafka');
  const headers = { authorization: `Bearer ${await tokenFor('bench-outage', { secret })}`, 'content-type': 'application/json' };
  const timed = async (label: string) => {
    const latencies: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${url}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: `${label} ${i}` }) });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`${label}: ${res.status}`);
      if (i >= 20) latencies.push(ms(process.hrtime.bigint() - t0));
    }
    return { p50: pct(latencies, 50), p99: pct(latencies, 99) };
  };
  const up = await timed('broker up');
  await broker.stop();
  const down = await timed('broker down');
  await broker.start();
  await stop();
  return { up, down };
}

async function floor() {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `floor-${randomUUID()}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  // From the beginning, so nothing sent before the group has joined is missed; the first (slow)
  // round trips fall in the warm-up.
  await consumer.subscribe({ topic: 'bench-floor', fromBeginning: true });
  let arrived: ((t: bigint) => void) | undefined;
  await consumer.run({ eachMessage: () => (arrived?.(process.hrtime.bigint()), Promise.resolve()) });
  const latencies: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const got = new Promise<bigint>((resolve) => (arrived = resolve));
    const sent = process.hrtime.bigint();
    await producer.send({ topic: 'bench-floor', acks: -1, messages: [{ key: 'k', value: String(i) }] });
    const t = await got;
    if (i >= 20) latencies.push(ms(t - sent));
  }
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies) };
}

// The issue's targets (17): POST returned → activity row, p99.
const target = { localP99Ms: 8, kafkaTimesFloor: 1.5 };

try {
  step(`local transport: ${samples} samples, then ${bulk} events`);
  const local = await endToEnd('local');
  step(`kafka transport: ${samples} samples, then ${bulk} events`);
  const viaKafka = await endToEnd('kafka');
  step('floor: raw kafkajs produce → consume');
  const raw = await floor();
  step('POST latency with the broker up, then stopped');
  const outage = await writesDuringOutage();
  const f = (n: number) => n.toFixed(2);
  const localMet = local.p99 <= target.localP99Ms;
  const kafkaMet = viaKafka.p99 <= target.kafkaTimesFloor * raw.p99;
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ` +
        `Kafka 3.9.1 (one KRaft node), PostgreSQL embedded; ${samples} sequential samples after 20 warm-up, ${bulk} events for throughput`,
      '',
      '| path | p50 ms | p99 ms | max ms | sustained events/s |',
      '|---|---|---|---|---|',
      `| POST returned → activity row, local transport | ${f(local.p50)} | ${f(local.p99)} | ${f(local.max)} | ${local.rate.toFixed(0)} |`,
      `| POST returned → activity row, Kafka transport | ${f(viaKafka.p50)} | ${f(viaKafka.p99)} | ${f(viaKafka.max)} | ${viaKafka.rate.toFixed(0)} |`,
      `| floor: kafkajs produce (acks=all) → consume | ${f(raw.p50)} | ${f(raw.p99)} | ${f(raw.max)} | |`,
      '',
      `POST /api/tasks with the kafka transport (sequential): broker up p50 ${f(outage.up.p50)} ms, p99 ${f(outage.up.p99)} ms; ` +
        `broker stopped p50 ${f(outage.down.p50)} ms, p99 ${f(outage.down.p99)} ms, every answer 201.`,
      '',
      `Targets: p99 ≤ ${target.localP99Ms} ms local (${localMet ? 'met' : 'missed'}); ` +
        `p99 through Kafka ≤ ${target.kafkaTimesFloor} × the floor's p99 = ${f(target.kafkaTimesFloor * raw.p99)} ms (${kafkaMet ? 'met' : 'missed'}).`,
      '',
    ].join('\n'),
  );
  report('events', [
    { measure: 'POST returned → activity row p99, local transport', figure: `${f(local.p99)} ms (p50 ${f(local.p50)})`, target: `≤ ${target.localP99Ms} ms`, met: localMet },
    { measure: 'POST returned → activity row p99, Kafka transport', figure: `${f(viaKafka.p99)} ms vs floor ${f(raw.p99)} ms`, target: `≤ ${target.kafkaTimesFloor} × floor`, met: kafkaMet },
    { measure: `events consumed/s, ${bulk} queued, local / Kafka`, figure: `${local.rate.toFixed(0)} / ${viaKafka.rate.toFixed(0)}`, target: '', met: null },
  ]);
} finally {
  await sql.end();
  await broker.destroy();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
