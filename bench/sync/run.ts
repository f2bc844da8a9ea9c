// bench/sync: how fast a write reaches another tab's held poll, with many other polls held on the
// same process; what held polls cost (memory, database connections); and how fast a write reaches
// a poll held on a second process (another replica) on the same database.
// Usage: npm run bench:sync [-- writes others many]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { freePort } from '../../test/free-port.ts';
import { newUser, tokenFor } from '../../test/helpers.ts';
import { exited } from '../../test/processes.ts';

const [writes = 500, others = 1000, many = 5000] = process.argv.slice(2).map(Number);
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const round = (x: number) => Math.round(x * 10) / 10;

process.env.JWT_SECRET = randomBytes(32).toString('base64url');
const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-sync-'));
await chmod(dir, 0o755);
step('starting PostgreSQL');
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false });
const sql = postgres(db.url, { onnotice: () => {}, max: 2 });
await migrate(sql);

async function host() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), AUTH_MODE: 'jwt', LOG_LEVEL: 'warn', HTTP_MAX_CONNECTIONS: '20000' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) await sleep(100);
  // Resident memory, and the JS heap in use as the host's own /metrics reports it.
  const memory = async () => {
    const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)![1]) / 2 ** 20;
    return { rss, heap };
  };
  const heldPolls = async () => Number(/^taskfn_sync_held_polls (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())![1]);
  /** Until `n` polls are held (each past its first read), so memory and connections are measured at rest. */
  const holding = async (n: number) => {
    while ((await heldPolls()) < n) await sleep(200);
  };
  return { url, memory, holding, stop: async () => (child.kill('SIGTERM'), await exited(child)) };
}

const auth = async (user: string) => ({ authorization: `Bearer ${await tokenFor(user)}` });
async function cursorOf(url: string, user: string): Promise<string> {
  const res = await fetch(`${url}/api/sync`, { headers: await auth(user) });
  return ((await res.json()) as { cursor: string }).cursor;
}

/**
 * Keeps a poll held for `user` until stopped, polling again whenever one is answered. The first
 * wait is anywhere up to 25 s, as tabs opened at different times would be: polls all opened at
 * one instant would all end, and read again, at one instant every 25 s.
 */
function holdForever(url: string, user: string, cursor: string, stop: AbortSignal) {
  return (async () => {
    const headers = await auth(user);
    let wait = 1 + Math.random() * 24;
    while (!stop.aborted) {
      try {
        const res = await fetch(`${url}/api/sync?cursor=${cursor}&wait=${wait.toFixed(1)}`, { headers, signal: stop });
        wait = 25;
        cursor = ((await res.json()) as { cursor: string }).cursor;
      } catch {
        if (!stop.aborted) await sleep(100);
      }
    }
  })();
}

/** Connections of the hosts' pools doing anything (not idle), besides the one asking. */
const busyConnections = async () =>
  (await sql<{ n: number }[]>`
    select count(*)::int as n
    from pg_stat_activity
    where application_name = 'taskfn'
      and state <> 'idle'
      and pid <> pg_backend_pid()`)[0]!.n;

/** `n` writes by one tab, each timed from its 201 to the answer of the poll held by the other tab (on `pollUrl`). */
async function otherTab(writeUrl: string, pollUrl: string, n: number) {
  const user = newUser();
  const headers = { ...(await auth(user)), 'content-type': 'application/json' };
  let cursor = await cursorOf(pollUrl, user);
  const latencies: number[] = [];
  let before201 = 0;
  for (let i = 0; i < n; i++) {
    const answer = fetch(`${pollUrl}/api/sync?cursor=${cursor}&wait=25`, { headers }).then(async (res) => ({
      at: performance.now(),
      body: (await res.json()) as { cursor: string; changes: unknown[] },
    }));
    // Time for the poll to be held before the write (a poll not yet held would answer at once anyway).
    await sleep(15);
    const res = await fetch(`${writeUrl}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: `w${i}` }) });
    const created = performance.now();
    if (res.status !== 201) throw new Error(`POST /api/tasks answered ${res.status}`);
    await res.arrayBuffer();
    const { at, body } = await answer;
    if (body.changes.length === 0) throw new Error('the held poll ended without the change');
    if (at < created) before201++;
    latencies.push(Math.max(0, at - created));
    cursor = body.cursor;
  }
  return { p50: round(pct(latencies, 50)), p99: round(pct(latencies, 99)), max: round(Math.max(...latencies)), answeredBefore201: before201, n };
}

const results: Record<string, unknown> = {};
const a = await host();
const b = await host();
try {
  step('warm-up');
  await otherTab(a.url, a.url, 20);
  const users = Array.from({ length: many }, newUser);
  const cursors: string[] = [];
  for (let i = 0; i < users.length; i += 200) cursors.push(...(await Promise.all(users.slice(i, i + 200).map((u) => cursorOf(a.url, u)))));
  await sleep(3000);
  const idle = await a.memory();

  step(`holding ${others} other polls on one process`);
  const stopOthers = new AbortController();
  setMaxListeners(0, stopOthers.signal);
  const held = users.slice(0, others).map((u, i) => holdForever(a.url, u, cursors[i]!, stopOthers.signal));
  await a.holding(others);
  const withOthers = await a.memory();
  const busyOthers = await busyConnections();
  step(`${writes} writes, timed to the other tab's held poll`);
  results.sameProcess = await otherTab(a.url, a.url, writes);

  step(`holding ${many} polls`);
  held.push(...users.slice(others).map((u, i) => holdForever(a.url, u, cursors[others + i]!, stopOthers.signal)));
  await a.holding(many);
  const withMany = await a.memory();
  const busyMany = await busyConnections();
  results.cost = {
    idleMiB: { rss: round(idle.rss), heap: round(idle.heap) },
    [`added${others}MiB`]: { rss: round(withOthers.rss - idle.rss), heap: round(withOthers.heap - idle.heap) },
    [`added${many}MiB`]: { rss: round(withMany.rss - idle.rss), heap: round(withMany.heap - idle.heap) },
    busyConnectionsWhileHeld: { [others]: busyOthers, [many]: busyMany },
  };
  stopOthers.abort();
  await Promise.allSettled(held);

  step('writes on one process, polls held on the other');
  results.otherProcess = await otherTab(a.url, b.url, Math.min(writes, 300));
} finally {
  await a.stop();
  await b.stop();
  await sql.end();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}

const cpu = cpus();
process.stdout.write(
  `${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}\n` +
    `${JSON.stringify(results, null, 2)}\n`,
);
