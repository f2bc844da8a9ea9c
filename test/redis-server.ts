import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { terminate } from './processes.ts';

/**
 * A real redis-server (Debian's build, fetched by scripts/redis/install.sh into .cache/) on
 * 127.0.0.1, without persistence. stop() ends it and start() brings it back on the same port
 * (empty); destroy() stops it and removes its directory.
 */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const repoRoot = join(import.meta.dirname, '..');

function installRedis(): string {
  const res = spawnSync('bash', [join(repoRoot, 'scripts/redis/install.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const server = res.stdout.trim().split('\n').at(-1);
  if (res.status !== 0 || !server) throw new Error(`scripts/redis/install.sh failed (${res.status ?? res.signal})`);
  return server;
}

export async function startRedis(): Promise<RedisServer> {
  const binary = installRedis();
  const dir = await mkdtemp(join(tmpdir(), 'redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  // A forgotten or crashed test must not leave a Redis holding the port after node exits.
  const killOnExit = () => child?.kill('SIGKILL');

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'];
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    process.on('exit', killOnExit);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start in 20 s:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
      });
    });
    // Keep draining its output, or a full pipe would block Redis.
    proc.stdout.resume();
    proc.stderr.resume();
  }

  async function stop(): Promise<void> {
    if (!child) return;
    await terminate(child);
    child = undefined;
    process.off('exit', killOnExit);
  }

  async function destroy(): Promise<void> {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, destroy };
}
