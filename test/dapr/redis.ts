import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// A real redis-server (Debian's build, fetched by scripts/redis/install.sh into .cache/) on the
// loopback port a committed component names: daprd finds it where the laptop's Redis would be.
// stop() ends it and start() brings it back, empty, on the same port.

export interface LocalRedis {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');

export function installRedis(): string {
  const res = spawnSync('bash', [path.join(root, 'scripts/redis/install.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const server = res.stdout.trim().split('\n').at(-1);
  if (res.status !== 0 || !server) throw new Error(`scripts/redis/install.sh failed (${res.status ?? res.signal})`);
  return server;
}

export async function startRedisAt(port: number): Promise<LocalRedis> {
  const binary = installRedis();
  const dir = await mkdtemp(path.join(tmpdir(), 'redis-'));
  let child: ChildProcess | undefined;
  // A crashed run must not leave a Redis holding the port after node exits.
  const killOnExit = () => child?.kill('SIGKILL');

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    process.on('exit', killOnExit);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server on ${port} exited (${code}) before it was ready:\n${output}`)));
    });
    // Keep draining its output, or a full pipe would block Redis.
    proc.stdout.resume();
    proc.stderr.resume();
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    process.off('exit', killOnExit);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await gone;
  }

  await start();
  return {
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
