// What npm test and npm run test:dapr share: the migrated database each test file clones (see
// test/file-database.ts), the environment every test process inherits, and the node:test run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../shared/config.ts';
import { createPool } from '../shared/db/client.ts';
import { startEmbeddedPostgres } from '../shared/db/embedded.ts';
import { migrate } from '../shared/db/migrate.ts';
import { freePort } from './free-port.ts';

/**
 * Starts a throw-away embedded PostgreSQL (or, with `reuse`, takes DATABASE_URL's when set), sets
 * the test environment, migrates, and names the result in TASKFN_TEST_TEMPLATE_URL. `stop` removes
 * what the run made: the embedded server and its files, or the per-file clones in a reused one.
 */
export async function prepareTestDatabase({
  reuse = false,
  logLevel,
  step,
}: {
  reuse?: boolean;
  /** LOG_LEVEL unless the caller's environment sets one. */
  logLevel: string;
  step: (msg: string) => void;
}): Promise<{ stop: () => Promise<void> }> {
  let stop = dropFileDatabases;
  if (!(reuse && process.env.DATABASE_URL)) {
    step('starting a throw-away embedded PostgreSQL');
    const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-test-'));
    await chmod(dir, 0o755); // PostgreSQL runs as its own user and must reach its data directory.
    const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, fast: true });
    process.env.DATABASE_URL = db.url;
    stop = async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= logLevel;
  process.env.JWT_SECRET = randomBytes(32).toString('base64url');

  step('applying migrations');
  const sql = createPool(loadConfig(process.env));
  await migrate(sql);
  await sql.end();
  process.env.TASKFN_TEST_TEMPLATE_URL = process.env.DATABASE_URL;
  return { stop };
}

/** The databases test/file-database.ts cloned, in a server this run did not start. */
async function dropFileDatabases(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/template1';
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'file\_%'`;
  for (const { datname } of rows) await admin.unsafe(`drop database if exists ${datname} with (force)`);
  await admin.end();
}

/** Runs the files with node's test runner, each file on a database of its own; answers the exit code. */
export async function runTestFiles(files: string[], { concurrency, cwd }: { concurrency: number; cwd?: string }): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/file-database.ts', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
    { stdio: 'inherit', env: process.env, cwd },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
}
