// bench/create-task: POST /api/tasks on the local host against the floor (floor.ts), one after the
// other, alternating for a few rounds, on the same throw-away PostgreSQL.
// Usage: npm run bench:create-task [-- seconds connections rounds]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { freePort } from '../../test/free-port.ts';
import { exited } from '../../test/processes.ts';
import { report } from '../figures.ts';

const [seconds = 10, connections = 16, rounds = 5] = process.argv.slice(2).map(Number);
// The issue's targets (17), as shares of the floor's throughput.
const target = { npmStart: 0.85, elsewhere: 0.95 };
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-'));
await chmod(dir, 0o755);
step('starting PostgreSQL');
// fsync off: this machine's disk flushes vary by tens of ms, which drowned the overhead being measured.
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, fast: true });
const admin = postgres(db.url, { onnotice: () => {} });
await migrate(admin);

const secret = randomBytes(32).toString('base64url');
const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bench-user').setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const body = JSON.stringify({ title: 'benchmark task', priority: 'high' });

async function ready(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(url).then((r) => r.status < 500, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  total: number;
}

// Servers write their logs to a file, as they would to a collector: reading them in this process
// would take CPU from the load generator.
async function load(name: string, script: string, env: NodeJS.ProcessEnv): Promise<Figures> {
  const port = await freePort();
  const logs = openSync(path.join(dir, `${name.replace(/\W+/g, '-')}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port), DATABASE_URL: db.url },
    stdio: ['ignore', logs, logs],
  });
  await ready(`http://127.0.0.1:${port}/healthz`);
  const opts = {
    url: `http://127.0.0.1:${port}/api/tasks`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    connections,
  };
  step(`${name}: warm-up 3 s, then ${seconds} s with ${connections} connections`);
  await autocannon({ ...opts, duration: 3 });
  const r = await autocannon({ ...opts, duration: seconds });
  child.kill('SIGTERM');
  await exited(child);
  // Each round starts without a backlog: events the floor wrote, or taskfn's relay had not yet
  // delivered, would otherwise load the next round's server.
  await admin`update outbox set published_at = now() where published_at is null`;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (runs: Figures[]): Figures => ({
  name: runs[0]!.name,
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  total: runs.reduce((n, r) => n + r.total, 0),
});

try {
  const floorRuns: Figures[] = [];
  const taskfnRuns: Figures[] = [];
  const elsewhereRuns: Figures[] = [];
  const auth = { AUTH_MODE: 'jwt', JWT_SECRET: secret, LOG_LEVEL: 'info' };
  for (let round = 1; round <= rounds; round++) {
    step(`round ${round} of ${rounds}`);
    floorRuns.push(await load('floor (node:http + postgres.js)', 'bench/create-task/floor.ts', {}));
    // As npm start runs: the relay and log-activity work in the same process, on the same 2 cores.
    taskfnRuns.push(await load('taskfn local host (relay + log-activity in process)', 'scripts/start.ts', auth));
    // As in a cluster, where the relay hands events to a broker and log-activity runs elsewhere:
    // here the sidecar address answers nothing, so the relay only backs off and the HTTP path is
    // exactly the floor's work (the task and its outbox row) plus ours.
    elsewhereRuns.push(
      await load('taskfn local host (events relayed elsewhere)', 'scripts/start.ts', {
        ...auth,
        EVENT_TRANSPORT: 'dapr',
        DAPR_HTTP_ENDPOINT: 'http://127.0.0.1:9',
        RELAY_MAX_BACKOFF_MS: '600000',
      }),
    );
  }
  const [floor, taskfn, elsewhere] = [summary(floorRuns), summary(taskfnRuns), summary(elsewhereRuns)];
  const perRound = (runs: Figures[]) => floorRuns.map((f, i) => `${((runs[i]!.rps / f.rps) * 100).toFixed(0)}%`).join(', ');
  const share = (r: Figures) => `${((r.rps / floor.rps) * 100).toFixed(1)}%`;
  const atLeast = (t: number) => `≥ ${t * 100}%`;
  const rows = [floor, taskfn, elsewhere].map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.total} |`);
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ` +
        `${rounds} alternating rounds of ${seconds} s × ${connections} connections after a 3 s warm-up (medians), PostgreSQL ${(await admin`show server_version`)[0]!.server_version} (embedded, fsync off)`,
      '',
      '| server | requests/s | p50 ms | p99 ms | requests (all rounds) |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `taskfn (events relayed elsewhere) / floor throughput: ${share(elsewhere)} (target ${atLeast(target.elsewhere)}); per round: ${perRound(elsewhereRuns)}`,
      `taskfn (relay + log-activity in process) / floor throughput: ${share(taskfn)} (target ${atLeast(target.npmStart)}); per round: ${perRound(taskfnRuns)}`,
      '',
    ].join('\n'),
  );
  report('create-task', [
    { measure: 'POST /api/tasks as npm start runs it / floor', figure: `${taskfn.rps.toFixed(0)} vs ${floor.rps.toFixed(0)} req/s = ${share(taskfn)} (rounds ${perRound(taskfnRuns)})`, target: atLeast(target.npmStart), met: taskfn.rps >= target.npmStart * floor.rps },
    { measure: 'POST /api/tasks, events relayed elsewhere / floor', figure: `${elsewhere.rps.toFixed(0)} vs ${floor.rps.toFixed(0)} req/s = ${share(elsewhere)} (rounds ${perRound(elsewhereRuns)})`, target: atLeast(target.elsewhere), met: elsewhere.rps >= target.elsewhere * floor.rps },
  ]);
} finally {
  await admin.end();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
