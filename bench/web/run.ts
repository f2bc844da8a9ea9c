// bench/web: the web app in Chromium against the local host, for a user with 1,000 tasks.
//  - Cold load: a new browser context each time (no cache, no session but the token), navigation
//    start to the first list painted (the app's performance mark `taskfn:list-shown`), and the
//    bytes the page fetched.
// Live figures (time to apply one change, other-tab latency) need GET /api/sync and its client,
// which this bench measures once they are in the function set.
// Usage: npm run bench:web [-- loads]
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { loadHostHandler } from '../../functions/host.ts';
import { loadConfig } from '../../shared/config.ts';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { useRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';
import { chromiumPath } from '../../test/browser.ts';
import { freePort } from '../../test/free-port.ts';

const [loads = 20] = process.argv.slice(2).map(Number);
const tasks = 1000;
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-web-'));
await chmod(dir, 0o755);
step('starting PostgreSQL and the local host');
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, fast: true });
Object.assign(process.env, { DATABASE_URL: db.url, LOG_LEVEL: 'silent', AUTH_MODE: 'dev', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123' });
const runtime = createRuntime(loadConfig(process.env));
useRuntime(runtime);
await migrate(runtime.sql);
const handler = await loadHostHandler();
await runtime.startRelay(handler.subscribers);
const server: Server = createServer((req, res) => void handler(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

const post = async (p: string, body: unknown, token?: string) => {
  const res = await fetch(url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
};
const { token } = (await post('/api/dev/token', { user_id: 'bench' })) as { token: string };
step(`creating ${tasks} tasks`);
for (let i = 0; i < tasks; i++) await post('/api/tasks', { title: `task ${i}`, priority: ['low', 'medium', 'high', 'critical'][i % 4], due_at: new Date(Date.now() + (i - 100) * 3_600_000).toISOString(), tags: [`t${i % 7}`] }, token);
// The first load builds the app in memory; the figures are of a served build.
await fetch(`${url}/`);

const browser = await chromium.launch({ executablePath: await chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < loads; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(`sessionStorage.setItem('taskfn.session', ${JSON.stringify(token)})`);
  const page = await context.newPage();
  let fetched = 0;
  page.on('response', (r) => void r.body().then((b) => (fetched += b.length), () => undefined));
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'task 999', exact: true }).waitFor();
  const shown = await page.evaluate<number>("new Promise((resolve) => { const find = () => { const [m] = performance.getEntriesByName('taskfn:list-shown'); if (m) resolve(m.startTime); else requestAnimationFrame(find); }; find(); })");
  times.push(shown);
  bytes = fetched;
  await context.close();
}
await browser.close();
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await runtime.close();
await db.stop();
await rm(dir, { recursive: true, force: true });

times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
process.stdout.write(
  `web cold load, ${tasks} tasks (first page of 50 shown), ${loads} loads, Chromium ${browser.version()}:\n` +
    `  time to a usable list: p50 ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms\n` +
    `  bytes fetched by a cold load (decoded): ${(bytes / 1024).toFixed(1)} KiB\n` +
    `  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]!.toFixed(2)}\n`,
);
