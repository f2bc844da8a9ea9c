import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { freePort } from './free-port.ts';
import { type PostgresServer, startPostgresServer } from './postgres-server.ts';
import { newUser, request, tokenFor } from './helpers.ts';
import { start, terminate } from './processes.ts';

// npm run test:faults: the local host in production mode against a real PostgreSQL that restarts,
// stalls and outlives a host killed mid-burst. Each test prints its figures (docs/reliability.md).

const REQUEST_DEADLINE_MS = 3000;
const secret = randomBytes(32).toString('base64url');
const figure = (name: string, value: string | number) => process.stdout.write(`[faults] ${name}: ${value}\n`);

interface Outcome {
  status: number;
  code?: string;
  ms: number;
  at: number;
  id?: string;
}

/** `writers` clients creating tasks back to back until `stop()`; every answer is kept. */
function writeLoad(url: string, token: string, alive: () => void, writers = 4) {
  const outcomes: Outcome[] = [];
  let running = true;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; running && i < 100_000; i++) {
      const t0 = performance.now();
      const answer = await request(url, 'POST', '/api/tasks', { body: JSON.stringify({ title: `w${w} #${i}` }), headers }).catch(
        (err: Error) => ({ status: 0, body: { error: { code: err.message } } }),
      );
      outcomes.push({ status: answer.status, code: answer.body?.error?.code, ms: performance.now() - t0, at: performance.now(), id: answer.body?.id });
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    /** Resolves once `predicate` holds over the answers so far (checked as they arrive). */
    async until(predicate: (o: Outcome[]) => boolean, ms = 60_000) {
      const deadline = performance.now() + ms;
      while (!predicate(outcomes)) {
        alive();
        if (performance.now() > deadline) throw new Error(`load: condition not met in ${ms} ms; last: ${JSON.stringify(outcomes.slice(-3))}`);
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
};

describe('faults: the local host in production mode against a real PostgreSQL', { concurrency: false }, () => {
  let db: PostgresServer;
  let dir: string;
  let port: number;
  let url: string;
  let host: ReturnType<typeof start>;
  let env: NodeJS.ProcessEnv;

  const hostAlive = () => assert.equal(host.exitCode, null, `the host exited:\n${host.output.slice(-20).join('\n')}`);
  const startHost = async () => {
    host = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
    // Production logs at warn here (a line per request would be most of the run's output), so
    // "up" is the first healthy answer.
    const deadline = performance.now() + 60_000;
    while ((await request(url, 'GET', '/healthz').catch(() => ({ status: 0 }))).status !== 200) {
      if (host.exitCode !== null || performance.now() > deadline) throw new Error(`the host did not come up:\n${host.output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'taskfn-faults-'));
    await chmod(dir, 0o755);
    db = await startPostgresServer({ dir, port: await freePort() });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      NODE_ENV: 'production',
      AUTH_MODE: 'jwt',
      JWT_SECRET: secret,
      APP_API_TOKEN: randomBytes(24).toString('base64url'),
      DATABASE_URL: db.url,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS),
    };
    await startHost();
  });

  after(async () => {
    if (host) await terminate(host);
    db?.resume();
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('PostgreSQL restarting under write load: the host survives, writes answer 503 while it is down, and it recovers by itself', async () => {
    const token = await tokenFor(newUser(), { secret });
    const load = writeLoad(url, token, hostAlive);
    await load.until((o) => o.filter((x) => x.status === 201).length >= 40);

    const downAt = performance.now();
    await db.fastShutdown();
    // Down for 10 s, as a restart by an operator or a failover takes.
    await load.until((o) => performance.now() - downAt > 10_000 && o.filter((x) => x.at > downAt && x.status === 503).length >= 20, 30_000);
    const health = await request(url, 'GET', '/healthz');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.database, 'unavailable');
    await db.start();
    const upAt = performance.now();
    await load.until((o) => o.some((x) => x.at > upAt && x.status === 201), 30_000);
    const recoveredAt = load.outcomes.find((x) => x.at > upAt && x.status === 201)!.at;
    await load.stop();

    hostAlive();
    const failed = load.outcomes.filter((x) => x.status !== 201);
    assert.deepEqual([...new Set(failed.map((x) => `${x.status} ${x.code}`))], ['503 database_unavailable']);
    const down = failed.map((x) => x.ms);
    assert.ok(Math.max(...down) < REQUEST_DEADLINE_MS + 1000, `a 503 took ${Math.max(...down)} ms`);
    assert.equal((await request(url, 'GET', '/healthz')).status, 200);

    figure('restart: answers', `${load.outcomes.length} (${load.outcomes.length - failed.length} × 201, ${failed.length} × 503, no other status)`);
    figure('restart: 503 latency p50 / p99 / max (ms)', `${p(down, 0.5)} / ${p(down, 0.99)} / ${Math.round(Math.max(...down))}`);
    figure('restart: first 201 after PostgreSQL was ready (ms)', Math.round(recoveredAt - upAt));
  });

  it('a stalled PostgreSQL (SIGSTOP for 10 s): writes answer 503 within the request bound and /healthz within 2 s; it recovers on SIGCONT', async () => {
    const token = await tokenFor(newUser(), { secret });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    assert.equal((await request(url, 'POST', '/api/tasks', { body: '{"title":"before"}', headers })).status, 201);

    db.pause();
    const timed = async <T>(work: Promise<T>) => {
      const t0 = performance.now();
      const value = await work;
      return { value, ms: performance.now() - t0 };
    };
    const pausedAt = performance.now();
    const [health, ...writes] = await Promise.all([
      timed(request(url, 'GET', '/healthz')),
      ...Array.from({ length: 8 }, (_, i) => timed(request(url, 'POST', '/api/tasks', { body: JSON.stringify({ title: `stalled ${i}` }), headers }))),
    ]);
    // Stalled for 10 s in all, more writes meeting a pool whose connections are all stuck.
    for (let i = 0; performance.now() - pausedAt < 10_000 && i < 20; i++) {
      writes.push(await timed(request(url, 'POST', '/api/tasks', { body: JSON.stringify({ title: `still stalled ${i}` }), headers })));
    }
    db.resume();

    assert.equal(health.value.status, 503);
    assert.ok(health.ms < 2000, `/healthz took ${health.ms} ms`);
    for (const w of writes) {
      assert.equal(w.value.status, 503);
      assert.ok(w.ms < REQUEST_DEADLINE_MS + 1000, `a write took ${w.ms} ms`);
    }
    // The stalled statements resume (or meet their statement_timeout) first: writes succeed again
    // once that backlog has drained, meanwhile answering 503 and nothing else.
    const resumedAt = performance.now();
    const afterwards: number[] = [];
    for (let i = 0; i < 200; i++) {
      const { status } = await request(url, 'POST', '/api/tasks', { body: '{"title":"after"}', headers });
      afterwards.push(status);
      if (status === 201 || performance.now() - resumedAt > 20_000) break;
    }
    assert.equal(afterwards.at(-1), 201, `no write succeeded within 20 s of SIGCONT: ${afterwards.join(' ')}`);
    assert.deepEqual([...new Set(afterwards.slice(0, -1))].filter((s) => s !== 503), []);

    figure('stall: first 201 after SIGCONT (ms)', Math.round(performance.now() - resumedAt));
    figure('stall: /healthz answered (ms)', Math.round(health.ms));
    figure(`stall: writes answered 503 after (ms, max of ${writes.length})`, Math.round(Math.max(...writes.map((w) => w.ms))));
  });

  it('kill -9 on the host mid-burst: after a restart every acknowledged task is there with exactly one activity row', async () => {
    const user = newUser();
    const token = await tokenFor(user, { secret });
    const load = writeLoad(url, token, hostAlive);
    await load.until((o) => o.filter((x) => x.status === 201).length >= 60);
    host.kill('SIGKILL');
    await load.stop();
    const acknowledged = load.outcomes.filter((x) => x.status === 201).map((x) => x.id!);
    await startHost();

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const deadline = performance.now() + 60_000;
      let rows: { id: string; activities: number }[] = [];
      for (;;) {
        rows = await sql<{ id: string; activities: number }[]>`
          select t.id, (select count(*)::int from activity_log a where a.entity_id = t.id and a.type = 'task.created') as activities
          from tasks t
          where t.user_id = ${user}`;
        if (rows.every((r) => r.activities >= 1) || performance.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const byId = new Map(rows.map((r) => [r.id, r.activities]));
      const missing = acknowledged.filter((id) => !byId.has(id));
      assert.deepEqual(missing, [], 'acknowledged tasks lost');
      assert.deepEqual(
        acknowledged.filter((id) => byId.get(id) !== 1),
        [],
        'acknowledged tasks without exactly one activity row',
      );
      figure('kill -9: acknowledged / stored / with one activity row', `${acknowledged.length} / ${rows.length} / ${rows.filter((r) => r.activities === 1).length}`);
    } finally {
      await sql.end();
    }
  });
});
