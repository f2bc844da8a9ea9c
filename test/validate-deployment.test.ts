import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { catalog } from '../functions/catalog.ts';
import { type DaprResource, type KnativeService, type Pod, checkPods, checkServices, checkSidecar, smoke } from '../scripts/deployment/checks.ts';
import { pinnedFetch } from '../scripts/deployment/pinned-fetch.ts';
import { loadHost, newUser, serve, tokenFor } from './helpers.ts';

// npm run validate-deployment's checks. No cluster runs here: kubectl's and daprd's answers are
// recorded shapes (Kubernetes Pod, Knative Service status, Dapr's GET /v1.0/metadata) around the
// committed manifests themselves; the smoke call runs for real against the local host.

const root = path.join(import.meta.dirname, '..');
const app = serve(loadHost);

/** The committed Knative Services (dapr wiring), as the cluster returns them once Knative made them Ready or not. */
async function services(ready: (name: string) => boolean): Promise<KnativeService[]> {
  return Promise.all(
    catalog.map(async ({ name }) => {
      const svc = parse(await readFile(path.join(root, 'knative', `${name}.yaml`), 'utf8')) as KnativeService;
      const condition = ready(name) ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason: 'RevisionMissing', message: 'Configuration "x" does not have any ready Revision.' };
      return { ...svc, status: { conditions: [{ type: 'ConfigurationsReady', status: 'True' }, condition] } };
    }),
  );
}

/** A Revision pod as the API server lists it: Knative's queue-proxy, the function and (injected) daprd. */
function pod(service: string, { daprd = true, daprdReady = true, phase = 'Running' } = {}): Pod {
  const names = ['function', 'queue-proxy', ...(daprd ? ['daprd'] : [])];
  return {
    metadata: { name: `${service}-00001-deployment-5d9c7b8f4-x2x7k`, labels: { 'serving.knative.dev/service': service, 'app.kubernetes.io/part-of': 'taskfn' } },
    spec: { containers: names.map((name) => ({ name })) },
    status: { phase, containerStatuses: names.map((name) => ({ name, ready: phase === 'Running' && (name !== 'daprd' || daprdReady) })) },
  };
}

const failures = (findings: { ok: boolean; what: string }[]) => findings.filter((f) => !f.ok).map((f) => f.what);

describe('validate-deployment checks (contract: recorded kubectl and daprd shapes)', () => {
  it('wants every catalog function as a Ready Knative Service', async () => {
    const all = await services(() => true);
    assert.deepEqual(failures(checkServices(catalog.map((e) => e.name), all)), []);
    const someNotReady = await services((name) => name !== 'notify');
    assert.deepEqual(failures(checkServices([...catalog.map((e) => e.name), 'never-deployed'], someNotReady)), [
      'notify: Service not ready (RevisionMissing: Configuration "x" does not have any ready Revision.)',
      'never-deployed: no Knative Service',
    ]);
  });

  it('accepts HTTP functions scaled to zero but wants warm event and cron functions running with a ready daprd', async () => {
    const all = await services(() => true);
    const warm = catalog.filter((e) => e.trigger !== 'http').map((e) => e.name);
    assert.ok(warm.includes('cron-tick') && warm.includes('notify'));
    assert.deepEqual(failures(checkPods(all, warm.map((name) => pod(name)))), []);

    const pods = [...warm.filter((n) => n !== 'cron-tick').map((name) => pod(name, { daprdReady: name !== 'notify' })), pod('create-task', { daprd: false })];
    assert.deepEqual(failures(checkPods(all, pods)), [
      'create-task-00001-deployment-5d9c7b8f4-x2x7k: no daprd sidecar (is Dapr\'s injector running?)',
      'notify-00001-deployment-5d9c7b8f4-x2x7k: Running, not ready: daprd',
      'notify: 0 of 1 warm pods ready with daprd',
      'cron-tick: 0 of 1 warm pods ready with daprd',
    ]);
  });

  it('wants each sidecar to have loaded the components and subscriptions scoped to it', async () => {
    const dir = path.join(root, 'dapr/cluster/digitalocean');
    const resources = await Promise.all((await readdir(dir)).map(async (f) => parse(await readFile(path.join(dir, f), 'utf8')) as DaprResource));
    // GET /v1.0/metadata as daprd answers it (docs.dapr.io/reference/api/metadata_api).
    const metadata = {
      id: 'notify',
      runtimeVersion: '1.16.5',
      enabledFeatures: [],
      components: [
        { name: 'pubsub', type: 'pubsub.kafka', version: 'v1' },
        { name: 'secretstore', type: 'secretstores.kubernetes', version: 'v1' },
        { name: 'email', type: 'bindings.smtp', version: 'v1', capabilities: ['OUTPUT_BINDING'] },
      ],
      subscriptions: [{ pubsubname: 'pubsub', topic: 'notification-events', deadLetterTopic: 'notification-events-dlq', rules: [{ path: '/events/notify' }], type: 'DECLARATIVE' }],
    };
    assert.deepEqual(failures(checkSidecar('notify', metadata, resources)), []);
    assert.deepEqual(failures(checkSidecar('notify', { ...metadata, components: metadata.components.filter((c) => c.name !== 'email'), subscriptions: [] }, resources)), [
      'notify: component email not loaded (see its daprd log)',
      'notify: not subscribed to notification-events',
    ]);
    // cron-tick's binding is scoped to cron-tick alone.
    assert.deepEqual(failures(checkSidecar('cron-tick', { id: 'cron-tick', components: metadata.components }, resources)), ['cron-tick: component cron-tick not loaded (see its daprd log)']);
  });

  it('makes the smoke call end to end: create, read back, delete (against the local host)', async () => {
    const token = await tokenFor(newUser());
    assert.deepEqual(failures(await smoke(app.url(), token)), []);
    assert.match(failures(await smoke(app.url(), 'not-a-token'))[0]!, /^POST \/api\/tasks answered 401/);
  });
});

describe('the smoke call through the gateway', () => {
  it('reaches the functions at the gateway address under the public host name (the local host standing in)', async () => {
    const { port } = new URL(app.url());
    assert.deepEqual(failures(await smoke(`http://api.taskfn.example.com:${port}`, await tokenFor(newUser()), pinnedFetch('127.0.0.1'))), []);
  });

  it('connects to the gateway address while sending the public host name the routes match on', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.host!);
      res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'content-type': 'application/json' });
      res.end(req.method === 'DELETE' ? undefined : JSON.stringify({ ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const call = pinnedFetch('127.0.0.1');
      const res = await call(`http://api.taskfn.example.com:${port}/api/tasks`, { method: 'GET', headers: { authorization: 'Bearer t' } });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { ok: true });
      assert.equal((await call(`http://api.taskfn.example.com:${port}/api/tasks/1`, { method: 'DELETE' })).status, 204);
      assert.deepEqual(seen, [`api.taskfn.example.com:${port}`, `api.taskfn.example.com:${port}`]);
    } finally {
      server.close();
    }
  });
});
