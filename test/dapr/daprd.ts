import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../free-port.ts';
import { exited } from '../processes.ts';

// A real daprd (built from source by scripts/dapr/install.sh, cached under .cache/tools/) run
// self-hosted beside an app: no placement, no scheduler, no Kubernetes. Ready when its health
// endpoint answers, never after a sleep.

const root = path.resolve(import.meta.dirname, '../..');

let binary: Promise<string> | undefined;

/** The daprd binary's path; the first call on a fresh machine builds it (long, once, with progress). */
export function daprdBinary(): Promise<string> {
  binary ??= new Promise((resolve, reject) => {
    // The script's progress goes straight to the output; its last stdout line is the path.
    const install = spawn(path.join(root, 'scripts/dapr/install.sh'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    install.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    install.on('error', reject);
    install.on('close', (code) => (code === 0 ? resolve(stdout.trim().split('\n').at(-1)!) : reject(new Error(`scripts/dapr/install.sh exited with ${code}`))));
  });
  return binary;
}

export interface DaprdOptions {
  appId: string;
  /** The app's HTTP port on loopback; omitted for a sidecar without an app. */
  appPort?: number;
  /** The sidecar's HTTP API port, when the app must know it before daprd starts; free otherwise. */
  httpPort?: number;
  /** Directories of component, Subscription and Resiliency files (daprd's --resources-path). */
  resourcesPaths: string[];
  /** A Configuration file (daprd's --config). */
  config?: string;
  /** daprd sends it to the app as the dapr-api-token header (Dapr's APP_API_TOKEN). */
  appApiToken?: string;
  /** daprd requires it of callers of its API (Dapr's DAPR_API_TOKEN). */
  daprApiToken?: string;
  /** daprd's working directory: relative paths in components (the local secrets file) resolve here. */
  cwd?: string;
  /** Extra environment for daprd. */
  env?: NodeJS.ProcessEnv;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Lines daprd prints go here too (dev:dapr prefixes and prints them). */
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

export interface Daprd {
  appId: string;
  httpPort: number;
  /** http://127.0.0.1:<httpPort>, the sidecar's HTTP API. */
  url: string;
  /** Everything daprd printed so far, for assertions and failure messages. */
  logs: string[];
  pid: number;
  stop(): Promise<void>;
}

export async function startDaprd(options: DaprdOptions): Promise<Daprd> {
  const httpPort = options.httpPort ?? (await freePort());
  const [grpcPort, internalGrpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    '--mode', 'standalone',
    '--app-id', options.appId,
    '--dapr-http-port', String(httpPort),
    '--dapr-grpc-port', String(grpcPort),
    '--dapr-internal-grpc-port', String(internalGrpcPort),
    '--metrics-port', String(metricsPort),
    '--dapr-listen-addresses', '127.0.0.1',
    '--app-channel-address', '127.0.0.1',
    // Nothing a sidecar here holds in flight is worth the default 5 s wait on stop.
    '--dapr-graceful-shutdown-seconds', '1',
    '--log-level', options.logLevel ?? 'info',
    ...(options.appPort !== undefined ? ['--app-port', String(options.appPort), '--app-protocol', 'http'] : []),
    ...options.resourcesPaths.flatMap((p) => ['--resources-path', p]),
    ...(options.config ? ['--config', options.config] : []),
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...options.env,
    ...(options.appApiToken ? { APP_API_TOKEN: options.appApiToken } : {}),
    ...(options.daprApiToken ? { DAPR_API_TOKEN: options.daprApiToken } : {}),
  };
  const child = spawn(await daprdBinary(), args, { env, cwd: options.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      options.onLine?.(line);
    });
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
  };
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  // /v1.0/healthz answers 204 once components are loaded and, with an app, the app channel is up
  // and its subscriptions are made; without an app, /v1.0/healthz/outbound is the one to wait on.
  const health = `${url}/v1.0/healthz${options.appPort === undefined ? '/outbound' : ''}`;
  for (;;) {
    const status = await fetch(health).then((r) => r.status, () => 0);
    if (status === 204) return { appId: options.appId, httpPort, url, logs: output, pid: child.pid!, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`daprd ${options.appId} ${child.exitCode !== null ? `exited (${child.exitCode})` : 'was not ready in time'}:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
