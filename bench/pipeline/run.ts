// bench/pipeline: does the event pipeline keep up with the write path? For each transport (local,
// kafka) the local host takes POST /api/tasks as fast as the machine allows from many users; the
// bench counts tasks written and activity rows log-activity recorded, then how long the backlog
// left at the end takes to drain. Beside it, the floor: raw kafkajs produce (acks=all) → consume
// throughput on the same broker, in the same run.
// Usage: npm run bench:pipeline [-- seconds connections]
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
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
import { load, machine, report } from '../figures.ts';

const [seconds = 30, connections = 16] = process.argv.slice(2).map(Number);
const users = 48;
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-pipeline-'));
await chmod(dir, 0o755);
step('starting PostgreSQL and Kafka');
// fsync off, as bench:create-task: the disk's flush times would otherwise be the figure.
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, fast: true });
const broker = await startKafka();
const sql = postgres(db.url, { onnotice: () => {}, max: 2 });
await migrate(sql);
const kafka = new Kafka({ brokers: broker.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await provisionTopics(admin);
await admin.createTopics({ topics: [{ topic: 'bench-floor', numPartitions: 3 }], waitForLeaders: true });
await admin.disconnect();
const secret = randomBytes(32).toString('base64url');

async function counts(prefix: string): Promise<{ tasks: number; activity: number }> {
  const [row] = await sql<{ tasks: number; activity: number }[]>`
    select (select count(*)::int from tasks where user_id like ${`${prefix}%`}) as tasks,
      (select count(*)::int from activity_log where user_id like ${`${prefix}%`}) as activity`;
  return row!;
}

/** Waits until log-activity has recorded every task written; the time it took, in seconds. */
async function drained(prefix: string): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const c = await counts(prefix);
    if (c.activity >= c.tasks) return (performance.now() - t0) / 1000;
    await pause(50);
  }
}

const bulk = Math.max(5000, seconds * 500);

/** The pipeline's own pace: `bulk` events put in the outbox at once, timed until all are recorded. */
async function backlog(url: string, prefix: string): Promise<number> {
  const events = Array.from({ length: bulk }, (_, i) => {
    const now = new Date().toISOString();
    const task = { id: randomUUID(), title: `backlog ${i}`, description: '', priority: 'low' as const, due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null };
    return taskEvent('com.taskfn.task.created', 'bench', { user_id: `${prefix}${i % users}`, task }).event;
  });
  const mark = (await sql<{ mark: string }[]>`select coalesce(max(id), 0)::text as mark from activity_log`)[0]!.mark;
  const rows = events.map((e) => ({ event_id: e.id, topic: 'task-events', partition_key: e.partitionkey!, type: e.type, event: sql.json(e as never) }));
  // The backlog appears at once (one commit) and the clock starts there: writing it is the bench's
  // set-up, not the pipeline's work, as the floor's clock starts at its first produce.
  await sql.begin(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) await tx`insert into outbox ${tx(rows.slice(i, i + 1000))}`;
  });
  const t0 = performance.now();
  await fetch(`${url}/relay-outbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  // Rows past the mark, by primary key: a scan of the whole log every 50 ms would take CPU from
  // the pipeline being measured.
  const recorded = async () => (await sql<{ n: number }[]>`select count(*)::int as n from activity_log where id > ${mark}::bigint`)[0]!.n;
  while ((await recorded()) < bulk) await pause(20);
  return bulk / ((performance.now() - t0) / 1000);
}

async function pipeline(transport: 'local' | 'kafka') {
  const port = await freePort();
  const logs = openSync(path.join(dir, `${transport}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), EVENT_TRANSPORT: transport, KAFKA_BROKERS: broker.brokers.join(','), AUTH_MODE: 'jwt', JWT_SECRET: secret, LOG_LEVEL: 'warn' },
    stdio: ['ignore', logs, logs],
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) await pause(100);
  const prefix = `pipe-${transport}-`;
  const tokens = await Promise.all(Array.from({ length: users }, (_, i) => tokenFor(`${prefix}${i}`, { secret })));
  let n = 0;
  const opts = {
    url: `${url}/api/tasks`,
    method: 'POST' as const,
    connections,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n++ % users]}` },
          body: JSON.stringify({ title: `pipeline ${n}`, priority: 'high' }),
        }),
      },
    ],
  };
  step(`${transport}: warm-up 3 s, drain, then ${seconds} s with ${connections} connections from ${users} users`);
  await autocannon({ ...opts, duration: 3 });
  await drained(prefix);
  const before = await counts(prefix);
  const r = await autocannon({ ...opts, duration: seconds });
  const after = await counts(prefix);
  const loadAtEnd = load();
  const drainSeconds = await drained(prefix);
  const capacity = await backlog(url, prefix);
  child.kill('SIGTERM');
  await exited(child);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${transport}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  const written = after.tasks - before.tasks;
  const consumed = after.activity - before.activity;
  const lag = after.tasks - after.activity;
  return {
    transport,
    writes: written / seconds,
    consumed: consumed / seconds,
    lag,
    drainSeconds,
    // While draining nothing is written: the consumer's own pace.
    drainRate: drainSeconds > 0 ? lag / drainSeconds : Number.NaN,
    capacity,
    load: loadAtEnd,
  };
}

/** Raw kafkajs: `total` records the size of a task event, produced in batches (acks=all) and consumed by one group. */
async function floor(total: number) {
  const now = new Date().toISOString();
  const task = { id: randomUUID(), title: 'pipeline floor', description: '', priority: 'high' as const, due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null };
  const value = JSON.stringify(taskEvent('com.taskfn.task.created', 'bench', { user_id: 'floor-user', task }).event);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `floor-${randomUUID()}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: 'bench-floor', fromBeginning: true });
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachBatch: ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= total) done();
      return Promise.resolve();
    },
  });
  const t0 = performance.now();
  for (let i = 0; i < total; i += 100) {
    await producer.send({ topic: 'bench-floor', acks: -1, messages: Array.from({ length: Math.min(100, total - i) }, (_, j) => ({ key: `user-${(i + j) % users}`, value })) });
  }
  await all;
  const rate = total / ((performance.now() - t0) / 1000);
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return rate;
}

try {
  const local = await pipeline('local');
  const viaKafka = await pipeline('kafka');
  step('floor: raw kafkajs produce → consume');
  const raw = await floor(Math.max(20_000, Math.round(viaKafka.writes * seconds)));
  const f = (x: number) => x.toFixed(0);
  const keepsUp = (p: typeof local) => p.consumed >= 0.95 * p.writes;
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${machine()}, Kafka 3.9.1 (one KRaft node), PostgreSQL embedded (fsync off); ${seconds} s × ${connections} connections from ${users} users after a 3 s warm-up`,
      '',
      `| transport | writes/s | events consumed/s | lag at the end (events) | time to drain it | backlog of ${bulk} (clock from its commit): events/s | load at the end |`,
      '|---|---|---|---|---|---|---|',
      ...[local, viaKafka].map((p) => `| ${p.transport} | ${f(p.writes)} | ${f(p.consumed)} | ${p.lag} | ${p.drainSeconds.toFixed(1)} s | ${f(p.capacity)} | ${p.load} |`),
      '',
      `floor: raw kafkajs produce (acks=all, batches of 100) → consume, 3 partitions: ${f(raw)} records/s`,
      '',
      `Targets: consumed/s ≥ writes/s (counted as met at ≥ 95%: the batch in flight at the end is lag): local ${keepsUp(local) ? 'met' : 'missed'}, kafka ${keepsUp(viaKafka) ? 'met' : 'missed'}; ` +
        `kafka backlog events/s (outbox → relay → Kafka → log-activity → row) ≥ 0.5 × the floor = ${f(raw / 2)}/s: ${viaKafka.capacity >= raw / 2 ? 'met' : 'missed'}.`,
      '',
    ].join('\n'),
  );
  report('pipeline', [
    ...[local, viaKafka].map((p) => ({
      measure: `events consumed/s vs writes/s, ${p.transport} transport (${seconds} s)`,
      figure: `${f(p.consumed)} vs ${f(p.writes)}/s, lag ${p.lag}, drained in ${p.drainSeconds.toFixed(1)} s`,
      target: 'consumed ≥ writes (≥ 95%)',
      met: keepsUp(p),
    })),
    { measure: `backlog of ${bulk} events, local transport: events/s`, figure: f(local.capacity), target: '', met: null },
    { measure: `backlog of ${bulk} events through Kafka vs raw kafkajs produce→consume floor`, figure: `${f(viaKafka.capacity)} vs ${f(raw)}/s`, target: '≥ 0.5 × floor', met: viaKafka.capacity >= raw / 2 },
  ]);
} finally {
  await sql.end();
  await broker.destroy();
  await db.stop();
  if (process.env.BENCH_KEEP_LOGS) await cp(dir, process.env.BENCH_KEEP_LOGS, { recursive: true, filter: (f) => !f.includes('/data') });
  await rm(dir, { recursive: true, force: true });
}
