// Where a create-task request's CPU goes: the local host (scripts/start.ts) as bench:create-task runs
// it with events relayed elsewhere, under node's --cpu-prof while autocannon drives POST /api/tasks;
// the profile's self time is summed by what the code is (JWT, zod, logging, metrics, routing, ...).
// Shares of one profile, so they hold on a loaded machine better than requests/s do.
// `npm-start` profiles the local host as npm start runs it (relay and log-activity in process), and
// `floor` the floor (floor.ts), for their CPU a request and where it goes.
// Usage: npm run bench:create-task:profile [-- seconds connections [elsewhere|npm-start|floor]];
// PROFILE_OUT=file keeps the profile.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { chmod, copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { freePort } from '../../test/free-port.ts';
import { exited } from '../../test/processes.ts';

const [seconds = 10, connections = 16] = process.argv.slice(2, 4).map(Number);
const mode = process.argv[4] ?? 'elsewhere';
if (!['elsewhere', 'npm-start', 'floor'].includes(mode)) throw new Error(`unknown mode ${mode}: elsewhere, npm-start or floor`);
const floor = mode === 'floor';
const step = (msg: string) => process.stderr.write(`[profile] ${msg}\n`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

// First match wins: our own modules by path, then packages, then node's internals.
const kinds: [string, RegExp][] = [
  ['JWT verification (jose, shared/auth)', /node_modules\/jose\/|shared\/auth\//],
  ['zod validation', /node_modules\/zod\//],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format-unescaped)|observability\/log/],
  ['metrics (prom-client)', /node_modules\/prom-client|observability\/metrics/],
  ['routing, errors, handler (shared/http)', /shared\/http\/(?!body)/],
  ['body parsing (shared/http/body.ts)', /shared\/http\/body/],
  ['sync (shared/sync)', /shared\/sync\//],
  ['outbox and relay (shared/events)', /shared\/events\//],
  ['task writes (shared/db, shared/domain)', /shared\/(db|domain)\//],
  ['other taskfn code', /\/(shared|functions|scripts)\//],
  ['postgres.js', /node_modules\/postgres\//],
  ['other packages', /node_modules\//],
  ['node:http, net, streams (node internals)', /^node:/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
  ['native and (program)', /.*/],
];

function kindOf(node: ProfileNode): string {
  const where = node.callFrame.url || `(${node.callFrame.functionName.replace(/[()]/g, '')})`;
  return kinds.find(([, re]) => re.test(where))![0];
}

/** Self time of the samples taken between `from` and `to` (µs of the monotonic clock, which V8's profiles use too). */
function summarise(profile: Profile, from: number, to: number): { kinds: [string, number][]; functions: [string, number][]; busy: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perKind = new Map<string, number>();
  const perFunction = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (at < from || at > to) return;
    const node = byId.get(id)!;
    const kind = kindOf(node);
    perKind.set(kind, (perKind.get(kind) ?? 0) + us);
    const where = node.callFrame.url.replace(/^.*\/(node_modules|wt[^/]*|work)\//, '');
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + us);
  });
  const busy = [...perKind].filter(([k]) => k !== 'idle').reduce((n, [, us]) => n + us, 0);
  const sorted = (m: Map<string, number>) => [...m].filter(([k]) => k !== 'idle' && !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  return { kinds: sorted(perKind), functions: sorted(perFunction).slice(0, 25), busy };
}

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-profile-'));
await chmod(dir, 0o755);
step('starting PostgreSQL');
const db = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), persistent: false, fast: true });
const admin = postgres(db.url, { onnotice: () => {} });
try {
  await migrate(admin);
  const secret = randomBytes(32).toString('base64url');
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bench-user').setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const port = await freePort();
  const profiles = path.join(dir, 'profiles');
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--import', 'tsx', floor ? 'bench/create-task/floor.ts' : 'scripts/start.ts'], {
    // The same settings as bench:create-task's servers.
    env: {
      ...process.env,
      AUTH_MODE: 'jwt',
      JWT_SECRET: secret,
      LOG_LEVEL: 'info',
      ...(mode === 'elsewhere' ? { EVENT_TRANSPORT: 'dapr', DAPR_HTTP_ENDPOINT: 'http://127.0.0.1:9', RELAY_MAX_BACKOFF_MS: '600000' } : {}),
      PORT: String(port),
      DATABASE_URL: db.url,
    },
    stdio: ['ignore', openSync(path.join(dir, 'server.log'), 'a'), 'inherit'],
  });
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const opts = {
    url: `http://127.0.0.1:${port}/api/tasks`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ title: 'benchmark task', priority: 'high' }),
    connections,
  };
  step(`warm-up 3 s, then ${seconds} s with ${connections} connections`);
  await autocannon({ ...opts, duration: 3 });
  const from = Number(process.hrtime.bigint() / 1000n);
  const r = await autocannon({ ...opts, duration: seconds });
  const to = Number(process.hrtime.bigint() / 1000n);
  child.kill('SIGTERM');
  await exited(child);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers, ${r.errors} errors`);
  const [file] = await readdir(profiles);
  // PROFILE_OUT keeps the profile, for Chrome's DevTools or a closer look.
  if (process.env.PROFILE_OUT) await copyFile(path.join(profiles, file!), process.env.PROFILE_OUT);
  const { kinds: perKind, functions, busy } = summarise(JSON.parse(await readFile(path.join(profiles, file!), 'utf8')) as Profile, from, to);
  const requests = r.requests.total;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`;
  process.stdout.write(
    [
      `${{ floor: 'floor', elsewhere: 'taskfn local host, events relayed elsewhere', 'npm-start': 'taskfn local host as npm start runs it' }[mode]}: ${requests} requests in ${seconds} s (${r.requests.average.toFixed(0)} req/s, ${connections} connections); server CPU busy ${(busy / 1e6).toFixed(1)} s, ${(busy / requests).toFixed(0)} µs a request`,
      '',
      '| where | share of busy CPU |',
      '|---|---|',
      ...perKind.map(([k, us]) => `| ${k} | ${pct(us)} |`),
      '',
      '| function (self time) | share |',
      '|---|---|',
      ...functions.map(([f, us]) => `| ${f.replaceAll('|', '\\|')} | ${pct(us)} |`),
      '',
    ].join('\n'),
  );
} finally {
  await admin.end();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
