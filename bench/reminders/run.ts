// bench/reminders: 1,000 reminders due over the next two minutes, the local host running its
// cron tick from dapr/components/cron-tick.yaml, each delivered to a real webhook receiver here:
// lateness = receipt − due time, p50/p99/max. Then the time one tick takes to generate the due
// occurrences of 10,000 active schedule templates.
// Usage: npm run bench:reminders [-- reminders templates]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { generateDueInstances } from '../../shared/db/recurring-instances.ts';
import { loadConfig } from '../../shared/config.ts';
import { log } from '../../shared/observability/log.ts';
import { useRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';
import { freePort } from '../../test/free-port.ts';
import { exited } from '../../test/processes.ts';
import { report } from '../figures.ts';

const [reminderCount = 1000, templateCount = 10_000] = process.argv.slice(2).map(Number);
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-reminders-'));
await chmod(dir, 0o755);
step('starting PostgreSQL');
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false });
const sql = postgres(db.url, { onnotice: () => {}, max: 4 });
await migrate(sql);

// The receiver: every delivery's lateness from the reminder's due time, by the bench's own clock.
const lateness: number[] = [];
let allIn: () => void = () => {};
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    lateness.push(Date.now() - Date.parse((JSON.parse(body) as { fire_at: string }).fire_at));
    res.writeHead(204).end();
    if (lateness.length === reminderCount) allIn();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

async function reminders() {
  const users = Array.from({ length: 50 }, (_, i) => `bench-${i}`);
  await sql`
    insert into user_settings (user_id, webhook_url, webhook_secret, channels)
    select u, ${hook}, ${randomBytes(32).toString('hex')}, '{webhook}' from unnest(${users}::text[]) as u`;
  const start = Date.now() + 10_000;
  const rows = Array.from({ length: reminderCount }, (_, i) => ({
    user: users[i % users.length]!,
    at: new Date(start + Math.floor((i * 110_000) / reminderCount)).toISOString(),
  }));
  await sql`
    with t as (
      insert into tasks (user_id, title, due_at)
      select u, 'bench ' || n, a::timestamptz + interval '1 hour'
      from unnest(${rows.map((r) => r.user)}::text[], ${rows.map((r) => r.at)}::text[]) with ordinality as x(u, a, n)
      returning id, user_id, due_at
    )
    insert into reminders (user_id, task_id, at, fire_at)
    select user_id, id, due_at - interval '1 hour', due_at - interval '1 hour' from t`;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  const port = await freePort();
  const host = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), AUTH_MODE: 'jwt', JWT_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  step(`${reminderCount} reminders due over the next 2 minutes; the local host ticks every 10 s (dapr/components/cron-tick.yaml)`);
  await done;
  host.kill('SIGTERM');
  await exited(host);
  // The tick's part alone (due → claimed), the bound the cron period sets; the rest is the pipeline.
  const claimed = (await sql<{ s: number }[]>`select extract(epoch from sent_at - fire_at)::float8 as s from reminders`).map((r) => r.s * 1000);
  const stats = (xs: number[]) => ({ p50: pct(xs, 50) / 1000, p99: pct(xs, 99) / 1000, max: Math.max(...xs) / 1000 });
  return { delivered: stats(lateness), claimed: stats(claimed) };
}

async function generation() {
  const rule = { freq: 'daily', interval: 1, mode: 'schedule', from: 'due', timezone: 'Europe/Berlin' };
  const startsAt = new Date(Date.now() - 30 * 86_400_000);
  await sql`
    insert into recurring_tasks (user_id, title, recurrence, mode, starts_at, next_at)
    select 'gen-' || (n % 500), 'template ' || n, ${sql.json(rule)}, 'schedule', ${startsAt}, now() - interval '1 minute'
    from generate_series(1, ${templateCount}) as n`;
  // In this process, against the bench's database: only the generation step is timed.
  process.env.DATABASE_URL = db.url;
  process.env.LOG_LEVEL = 'silent';
  const runtime = createRuntime(loadConfig(process.env));
  useRuntime(runtime);
  const t0 = process.hrtime.bigint();
  const created = await generateDueInstances(new Date(), log);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await runtime.close();
  return { created, seconds };
}

try {
  const late = await reminders();
  step(`one tick generating for ${templateCount} active templates`);
  const gen = await generation();
  const f = (n: number) => n.toFixed(2);
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, PostgreSQL embedded, local transport`,
      '',
      `| measure | p50 s | p99 s | max s |`,
      `|---|---|---|---|`,
      `| ${reminderCount} reminders: due → claimed by a tick (tick every 10 s) | ${f(late.claimed.p50)} | ${f(late.claimed.p99)} | ${f(late.claimed.max)} |`,
      `| ${reminderCount} reminders: due → webhook received | ${f(late.delivered.p50)} | ${f(late.delivered.p99)} | ${f(late.delivered.max)} |`,
      '',
      `Target p99 ≤ tick period + 1 s = 11 s: ${late.delivered.p99 <= 11 ? 'met' : 'missed'}.`,
      `One tick generated ${gen.created} tasks for ${templateCount} due templates in ${f(gen.seconds)} s (${(gen.created / gen.seconds).toFixed(0)} tasks/s, events included).`,
      '',
    ].join('\n'),
  );
  report('reminders', [
    { measure: `${reminderCount} reminders: due → webhook received, p99`, figure: `${f(late.delivered.p99)} s`, target: '≤ 11 s', met: late.delivered.p99 <= 11 },
    { measure: `one tick over ${templateCount} due templates`, figure: `${f(gen.seconds)} s (${(gen.created / gen.seconds).toFixed(0)} tasks/s)`, target: '', met: null },
  ]);
} finally {
  receiver.close();
  await sql.end();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
