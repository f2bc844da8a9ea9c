// bench/cold-start: process start → first 200 for every bundled function, against a bare node:http
// hello server in the same run, plus the image-size budget (what the Dockerfile copies).
// Runs under the Node.js the image runs (the Dockerfile's NODE_IMAGE, installed into .cache by
// scripts/node/install.sh), or `--node=system` for this process's own.
// Usage: npm run bench:cold-start [-- runs] [--node=system]   (median of `runs`, 15 by default)
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { get } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { buildAll } from '../../scripts/build.ts';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { freePort } from '../../test/free-port.ts';
import { exited } from '../../test/processes.ts';
import { report } from '../figures.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { node: { type: 'string', default: 'image' } } });
const runs = Number(positionals[0] ?? 15);
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const root = path.resolve(import.meta.dirname, '../..');

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-cold-start-'));
await chmod(dir, 0o755); // PostgreSQL runs as its own user and must reach its data directory.
step('starting PostgreSQL');
const db = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), persistent: false, fast: true });
const admin = postgres(db.url, { onnotice: () => {} });
await migrate(admin);

/** The Node.js binary the image runs, installed like CI's (scripts/node/install.sh). */
async function imageNode(): Promise<string> {
  const version = /^ARG NODE_IMAGE=node:([0-9.]+)/m.exec(await readFile(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
  if (!version) throw new Error('no ARG NODE_IMAGE=node:<version> in the Dockerfile');
  const bin = execFileSync('bash', [path.join(root, 'scripts/node/install.sh'), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!;
  return path.join(bin, 'node');
}
const node = values.node === 'system' ? process.execPath : await imageNode();
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

const secret = randomBytes(32).toString('base64url');
const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bench-user').setExpirationTime('1h').sign(new TextEncoder().encode(secret));

/** A GET status, or 0 while nothing listens yet. No keep-alive: every probe is a fresh connection. */
function status(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

interface Probe {
  path: string;
  headers?: Record<string, string>;
}

/** Milliseconds from spawn to the first 200 on `probe`; the probe polls every 2 ms. */
async function coldStart(args: string[], probe: Probe, cwd: string, env: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(node, args, {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), DATABASE_URL: db.url, JWT_SECRET: secret, APP_API_TOKEN: 'bench-app-token', LOG_LEVEL: 'info', ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const s = await status(port, probe.path, probe.headers);
      if (s === 200) return performance.now() - started;
      if (s !== 0) throw new Error(`${args.join(' ')}: ${probe.path} answered ${s}`);
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}

async function du(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(target)) total += await du(path.join(target, entry));
  return total;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

try {
  // What the image holds, built by the image's own steps: bundles with their packages inside.
  step('scripts/build-image-steps.sh into a temp dir');
  const image = path.join(dir, 'image');
  execFileSync(path.join(root, 'scripts/build-image-steps.sh'), [image], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const bundled = path.join(image, 'dist');
  const listed = JSON.parse(await readFile(path.join(bundled, 'functions.json'), 'utf8')) as { name: string; startBytes: number }[];
  const names = listed.map((f) => f.name);
  // The compile cache as the image bakes it, but by the Node.js measured here (the build ran this
  // process's own); the image's variables point at it.
  const cacheDir = path.join(image, 'compile-cache');
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bundle/compile-cache.ts'), bundled, cacheDir, `--node=${node}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const cached = { NODE_COMPILE_CACHE: cacheDir, NODE_COMPILE_CACHE_PORTABLE: '1' };
  const hasCache = (await readdir(image)).includes('compile-cache');

  // The alternative: node_modules packages left out of the bundles, resolved from a production
  // install beside dist/, as its image would carry them.
  step('the alternative: packages external, with npm ci --omit=dev');
  const external = path.join(dir, 'external', 'dist');
  await buildAll({ outdir: external, packages: 'external' });
  await cp(path.join(root, 'package.json'), path.join(dir, 'external', 'package.json'));
  await cp(path.join(root, 'package-lock.json'), path.join(dir, 'external', 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: path.join(dir, 'external'), stdio: 'inherit' });

  const bare = `require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT))`;
  const healthz: Probe = { path: '/healthz' };
  const realRoute: Probe = { path: '/api/tasks?limit=5', headers: { authorization: `Bearer ${token}` } };
  type Row = { label: string; bundle: number[]; cache: number[]; external: number[]; maps: number[] };
  const row = (label: string): Row => ({ label, bundle: [], cache: [], external: [], maps: [] });
  const rows: Row[] = [row('bare node:http hello'), ...names.map(row), row('get-tasks, GET /api/tasks (JWT + query)')];
  // Rounds interleave every server, so background load on this shared machine hits them alike.
  for (let round = 1; round <= runs; round++) {
    step(`round ${round} of ${runs}`);
    const bareMs = await coldStart(['-e', bare], { path: '/' }, dir);
    rows[0]!.bundle.push(bareMs);
    for (const [i, name] of names.entries()) {
      const row = rows[i + 1]!;
      row.bundle.push(await coldStart([path.join(bundled, name, 'index.js')], healthz, image));
      if (hasCache) row.cache.push(await coldStart([path.join(bundled, name, 'index.js')], healthz, image, cached));
      row.external.push(await coldStart([path.join(external, name, 'index.js')], healthz, dir));
      row.maps.push(await coldStart(['--enable-source-maps', path.join(bundled, name, 'index.js')], healthz, image));
    }
    const last = rows.at(-1)!;
    last.bundle.push(await coldStart([path.join(bundled, 'get-tasks', 'index.js')], realRoute, image));
    if (hasCache) last.cache.push(await coldStart([path.join(bundled, 'get-tasks', 'index.js')], realRoute, image, cached));
    last.external.push(await coldStart([path.join(external, 'get-tasks', 'index.js')], realRoute, dir));
    last.maps.push(await coldStart(['--enable-source-maps', path.join(bundled, 'get-tasks', 'index.js')], realRoute, image));
  }

  const bareMedian = median(rows[0]!.bundle);
  const cell = (xs: number[]) => (xs.length ? `${median(xs).toFixed(0)} (${(median(xs) / bareMedian).toFixed(1)}×)` : '');
  const worst = Math.max(...rows.slice(1).map((r) => median(r.bundle) / bareMedian));
  // What the image runs: the bundles with their baked compile cache, where this Node.js has one.
  const worstShipped = hasCache ? Math.max(...rows.slice(1).map((r) => median(r.cache) / bareMedian)) : worst;
  const imageBytes = await du(image);
  const externalBytes = (await du(external)) + (await du(path.join(dir, 'external', 'node_modules')));
  const startKiB = listed.map((f) => f.startBytes / 1024);
  // Packages only some requests need, read at their first use (scripts/bundle/lazy-packages.ts).
  const lazyDir = path.join(bundled, 'lazy');
  const lazy = await Promise.all(
    (await readdir(lazyDir).catch(() => [])).filter((f) => f.endsWith('.cjs')).map(async (f) => `${f.slice(0, -'.cjs'.length)} ${((await stat(path.join(lazyDir, f))).size / 1024).toFixed(0)} KiB`),
  );
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${nodeVersion}, ` +
        `median of ${runs} interleaved runs, PostgreSQL ${(await admin`show server_version`)[0]!.server_version} (embedded, loopback)`,
      '',
      '| server | bundled ms (× bare) | bundled + compile cache (as the image runs) ms (× bare) | packages external ms (× bare) | bundled + --enable-source-maps ms (× bare) |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.label} | ${cell(r.bundle)} | ${cell(r.cache)} | ${cell(r.external)} | ${cell(r.maps)} |`),
      '',
      `worst bundled function: ${worst.toFixed(1)}× the bare server; with the compile cache: ${hasCache ? `${worstShipped.toFixed(1)}×` : `none (${nodeVersion} has no compile cache)`} (target ≤ 3×)`,
      `JavaScript a bundled function reads at start (its entry and the chunks it imports): ${Math.min(...startKiB).toFixed(0)}–${Math.max(...startKiB).toFixed(0)} KiB` +
        (lazy.length ? `; read at first use instead (dist/lazy/): ${lazy.join(', ')}` : ''),
      `image payload (what the Dockerfile copies, scripts/build-image-steps.sh: dist/ with source maps, no node_modules): ${mib(imageBytes)} MiB; ` +
        `the packages-external alternative: ${mib(externalBytes)} MiB (dist/ plus npm ci --omit=dev node_modules)`,
      '',
    ].join('\n'),
  );
  report('cold-start', [
    { measure: `cold start, worst function vs bare node:http (${nodeVersion}${hasCache ? ', compile cache' : ''})`, figure: `${worstShipped.toFixed(1)}× (bare ${bareMedian.toFixed(0)} ms; without the cache ${worst.toFixed(1)}×)`, target: '≤ 3×', met: worstShipped <= 3 },
    { measure: 'JavaScript create-task loads at start', figure: `${(listed.find((f) => f.name === 'create-task')!.startBytes / 1024).toFixed(0)} KiB (all: ${Math.min(...startKiB).toFixed(0)}–${Math.max(...startKiB).toFixed(0)})`, target: '≤ 300 KiB', met: listed.find((f) => f.name === 'create-task')!.startBytes <= 300 * 1024 },
  ]);
} finally {
  await admin.end();
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
