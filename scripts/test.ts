// npm test: starts a throw-away embedded PostgreSQL (unless DATABASE_URL is set), migrates it, and
// runs every *.test.ts with node's test runner. `npm test -- tags` runs the files whose path has "tags".
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../shared/db/embedded.ts';
import { freePort } from '../test/free-port.ts';

const roots = ['functions', 'shared', 'scripts', 'test', 'bench'];
const filters = process.argv.slice(2);
const step = (msg: string) => process.stdout.write(`[test] ${msg}\n`);

async function testFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    const entries = await readdir(root, { recursive: true }).catch(() => []);
    for (const entry of entries) if (entry.endsWith('.test.ts')) found.push(path.join(root, entry));
  }
  return found.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
}

const files = await testFiles();
if (files.length === 0) {
  process.stderr.write(`no test file matches ${filters.join(' ')}\n`);
  process.exit(1);
}

let stopDb = async () => {};
let tmp: string | undefined;
if (!process.env.DATABASE_URL) {
  step('starting a throw-away embedded PostgreSQL');
  tmp = await mkdtemp(path.join(tmpdir(), 'taskfn-test-'));
  await chmod(tmp, 0o755); // PostgreSQL runs as its own user and must reach its data directory.
  const db = await startEmbeddedPostgres({ dir: tmp, port: await freePort(), persistent: false, fast: true });
  process.env.DATABASE_URL = db.url;
  stopDb = db.stop;
}
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';
process.env.AUTH_MODE = 'jwt';
process.env.JWT_SECRET = randomBytes(32).toString('base64url');

step('applying migrations');
const { sql } = await import('../shared/db/client.ts');
const { migrate } = await import('../shared/db/migrate.ts');
await migrate(sql);
await sql.end();
// Each test file clones this database into one of its own (test/file-database.ts).
process.env.TASKFN_TEST_TEMPLATE_URL = process.env.DATABASE_URL;

step(`running ${files.length} test files`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--import', './test/file-database.ts', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env: process.env },
);
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
async function dropFileDatabases() {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/template1';
  const postgres = (await import('postgres')).default;
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'file\_%'`;
  for (const { datname } of rows) await admin.unsafe(`drop database if exists ${datname} with (force)`);
  await admin.end();
}
const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));

if (!tmp) await dropFileDatabases();
await stopDb();
if (tmp) await rm(tmp, { recursive: true, force: true });
process.exit(code);
