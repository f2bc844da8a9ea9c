// npm run validate-deployment -- [--namespace taskfn] [--host api.example.com [--address IP]] [--base-url URL] [--skip-smoke]
// Checks an installed release with kubectl (the current context): every catalog function's Knative
// Service is Ready; its running pods are ready with their daprd sidecars, and warm functions have
// their min-scale; each sidecar loaded the components and subscriptions scoped to it (its
// metadata API, through a port-forward); and an end-to-end call through the public route works:
// with --host, https://<host> reached at the Gateway's address (or --address), so the call carries
// the Host the HTTPRoutes match and goes through TLS as a client's would.
// The token for that call: TASKFN_TOKEN, else one signed with the release's JWT secret.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { catalog } from '../functions/catalog.ts';
import { pinnedFetch } from './deployment/pinned-fetch.ts';
import { type DaprResource, type Finding, type KnativeService, type Pod, type SidecarMetadata, checkPods, checkServices, checkSidecar, hasSidecar, smoke } from './deployment/checks.ts';

const { values } = parseArgs({
  options: {
    namespace: { type: 'string', default: 'taskfn' },
    'base-url': { type: 'string' },
    host: { type: 'string' },
    address: { type: 'string' },
    'skip-smoke': { type: 'boolean', default: false },
  },
});
const ns = values.namespace;

const kubectl = (...args: string[]): string => execFileSync('kubectl', ['--namespace', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const list = <T>(resource: string, ...args: string[]): T[] => (JSON.parse(kubectl('get', resource, '-o', 'json', ...args)) as { items: T[] }).items;
const secretValue = (name: string, key: string): string => Buffer.from(kubectl('get', 'secret', name, '-o', `jsonpath={.data.${key.replaceAll('.', '\\.')}}`), 'base64').toString('utf8');

let failed = 0;
function report(section: string, findings: Finding[]) {
  process.stdout.write(`${section}\n`);
  for (const f of findings) {
    if (!f.ok) failed++;
    process.stdout.write(`  ${f.ok ? '✔' : '✖'} ${f.what}\n`);
  }
}

/** A sidecar's metadata API, through `kubectl port-forward` to its HTTP port. */
async function sidecarMetadata(pod: string, token: string): Promise<SidecarMetadata> {
  const forward: ChildProcess = spawn('kubectl', ['--namespace', ns, 'port-forward', `pod/${pod}`, ':3500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      forward.stdout!.on('data', (chunk: Buffer) => {
        const m = /127\.0\.0\.1:(\d+)/.exec(chunk.toString());
        if (m) resolve(Number(m[1]));
      });
      forward.once('exit', (code) => reject(new Error(`kubectl port-forward ${pod} exited (${code})`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/v1.0/metadata`, { headers: { 'dapr-api-token': token } });
    if (!res.ok) throw new Error(`${pod}: GET /v1.0/metadata answered ${res.status}`);
    return (await res.json()) as SidecarMetadata;
  } finally {
    forward.kill();
  }
}

const functions = catalog.map((e) => e.name);
const services = list<KnativeService>('ksvc.serving.knative.dev').filter((s) => functions.includes(s.metadata.name));
report('Knative Services', checkServices(functions, services));

const pods = list<Pod>('pods', '--selector', 'app.kubernetes.io/part-of=taskfn,serving.knative.dev/service');
report('Pods and sidecars', checkPods(services, pods));

const daprResources = [...list<DaprResource>('components.dapr.io'), ...list<DaprResource>('subscriptions.dapr.io')];
const withSidecar = services.filter(hasSidecar);
if (withSidecar.length > 0) {
  const apiToken = secretValue('taskfn-dapr-api-token', 'token');
  for (const svc of withSidecar) {
    // One running pod per function is enough: every replica loads the same resources.
    const pod = pods.find((p) => p.metadata.labels?.['serving.knative.dev/service'] === svc.metadata.name && p.status.phase === 'Running');
    if (!pod) continue;
    try {
      report(`Sidecar of ${svc.metadata.name}`, checkSidecar(svc.metadata.name, await sidecarMetadata(pod.metadata.name, apiToken), daprResources));
    } catch (err) {
      report(`Sidecar of ${svc.metadata.name}`, [{ ok: false, what: (err as Error).message }]);
    }
  }
}

if (!values['skip-smoke']) {
  const gatewayAddress = () => kubectl('get', 'gateway', 'taskfn', '-o', 'jsonpath={.status.addresses[0].value}').trim();
  const base = values.host ? `https://${values.host}` : (values['base-url'] ?? `http://${gatewayAddress()}`);
  const call = values.host ? pinnedFetch(values.address ?? gatewayAddress()) : fetch;
  const token =
    process.env.TASKFN_TOKEN ??
    (await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('validate-deployment')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secretValue('taskfn-auth', 'jwt-secret'))));
  report(`Smoke call through ${base}`, await smoke(base, token, call));
}

process.stdout.write(failed === 0 ? 'deployment valid\n' : `${failed} check${failed === 1 ? '' : 's'} failed\n`);
process.exit(failed === 0 ? 0 : 1);
