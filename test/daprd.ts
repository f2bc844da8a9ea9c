import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { exited, start } from './processes.ts';

// A real daprd (built from source by scripts/dapr/install.sh, cached under .cache/tools/) run
// self-hosted beside a test's app: no placement, no scheduler, no Kubernetes. Ready when its
// outbound health endpoint answers, never after a sleep.

const root = path.resolve(import.meta.dirname, '..');

let binary: Promise<string> | undefined;

/** The daprd binary's path; the first call on a fresh machine builds it (long, once, with progress). */
export function daprdBinary(): Promise<string> {
  binary ??= new Promise((resolve, reject) => {
    // The script's progress goes straight to the test output; its last stdout line is the path.
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
  /** Directories of component, Subscription and Resiliency files (daprd's --resources-path). */
  resourcesPaths: string[];
  /** A Configuration file (daprd's --config). */
  config?: string;
  /** daprd sends it to the app as the dapr-api-token header (Dapr's APP_API_TOKEN). */
  appApiToken?: string;
  /** daprd requires it of callers of its API (Dapr's DAPR_API_TOKEN). */
  daprApiToken?: string;
  /** Extra environment for daprd, e.g. what a component's secretKeyRef or env reference reads. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Daprd {
  httpPort: number;
  grpcPort: number;
  /** http://127.0.0.1:<httpPort>, the sidecar's HTTP API. */
  url: string;
  /** Everything daprd printed so far, for assertions and failure messages. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startDaprd(options: DaprdOptions): Promise<Daprd> {
  const [httpPort, grpcPort, internalGrpcPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [
    '--mode', 'standalone',
    '--app-id', options.appId,
    '--dapr-http-port', String(httpPort),
    '--dapr-grpc-port', String(grpcPort),
    '--dapr-internal-grpc-port', String(internalGrpcPort),
    '--metrics-port', String(metricsPort),
    '--dapr-listen-addresses', '127.0.0.1',
    '--app-channel-address', '127.0.0.1',
    // A test's sidecar has nothing in flight worth waiting the default 5 s for.
    '--dapr-graceful-shutdown-seconds', '1',
    '--log-level', 'info',
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
  const child = start(await daprdBinary(), args, env);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
  };
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  // /v1.0/healthz/outbound answers 204 once daprd's components are loaded and its API serves;
  // /v1.0/healthz would also wait for the app, which a test may start after its sidecar.
  for (;;) {
    const status = await fetch(`${url}/v1.0/healthz/outbound`).then((r) => r.status, () => 0);
    if (status === 204) return { httpPort, grpcPort, url, logs: child.output, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`daprd ${options.appId} ${child.exitCode !== null ? `exited (${child.exitCode})` : 'was not ready in time'}:\n${child.output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
