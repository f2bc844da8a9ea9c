// The checks `npm run validate-deployment` makes, over what kubectl and the sidecars answer (JSON
// as the Kubernetes, Knative and Dapr APIs return it). Pure: scripts/validate-deployment.ts does
// the fetching, test/validate-deployment.test.ts feeds recorded shapes.

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface KnativeService {
  metadata: { name: string };
  spec: { template: { metadata?: { annotations?: Record<string, string> } } };
  status?: { conditions?: Condition[]; url?: string };
}

export interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { name: string }[]; initContainers?: { name: string; restartPolicy?: string }[] };
  status: { phase: string; containerStatuses?: { name: string; ready: boolean }[]; initContainerStatuses?: { name: string; ready: boolean }[] };
}

export interface DaprResource {
  kind: string;
  metadata: { name: string };
  spec: { topic?: string };
  scopes?: string[];
}

/** GET /v1.0/metadata of a sidecar, the parts checked here. */
export interface SidecarMetadata {
  id: string;
  components?: { name: string; type: string }[];
  subscriptions?: { pubsubname: string; topic: string }[];
}

export interface Finding {
  ok: boolean;
  what: string;
}

const annotations = (svc: KnativeService) => svc.spec.template.metadata?.annotations ?? {};
export const hasSidecar = (svc: KnativeService): boolean => annotations(svc)['dapr.io/enabled'] === 'true';
export const minScale = (svc: KnativeService): number => Number(annotations(svc)['autoscaling.knative.dev/min-scale'] ?? 0);

/** Every function has its Knative Service, and Knative reports it Ready. */
export function checkServices(functions: string[], services: KnativeService[]): Finding[] {
  return functions.map((name) => {
    const svc = services.find((s) => s.metadata.name === name);
    if (!svc) return { ok: false, what: `${name}: no Knative Service` };
    const ready = svc.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return { ok: true, what: `${name}: Service ready` };
    return { ok: false, what: `${name}: Service not ready (${ready ? `${ready.reason ?? ready.status}: ${ready.message ?? ''}`.trim() : 'no Ready condition'})` };
  });
}

/** daprd runs as a container, or (Dapr's native sidecar mode) as an always-restarting init container. */
function daprdReady(pod: Pod): boolean | undefined {
  const inContainers = pod.spec.containers.some((c) => c.name === 'daprd');
  const inInit = pod.spec.initContainers?.some((c) => c.name === 'daprd' && c.restartPolicy === 'Always') ?? false;
  if (!inContainers && !inInit) return undefined;
  const statuses = inContainers ? pod.status.containerStatuses : pod.status.initContainerStatuses;
  return statuses?.find((s) => s.name === 'daprd')?.ready ?? false;
}

/**
 * The running pods of each function: every container ready, a ready daprd beside the function when
 * its Service asks for one, and at least min-scale of them (a function scaled to zero has none).
 */
export function checkPods(services: KnativeService[], pods: Pod[]): Finding[] {
  const findings: Finding[] = [];
  for (const svc of services) {
    const name = svc.metadata.name;
    const mine = pods.filter((p) => p.metadata.labels?.['serving.knative.dev/service'] === name && !p.metadata.deletionTimestamp);
    let ready = 0;
    for (const pod of mine) {
      const notReady = (pod.status.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name);
      const daprd = daprdReady(pod);
      if (hasSidecar(svc) && daprd === undefined) findings.push({ ok: false, what: `${pod.metadata.name}: no daprd sidecar (is Dapr's injector running?)` });
      else if (pod.status.phase !== 'Running' || notReady.length > 0 || daprd === false) {
        findings.push({ ok: false, what: `${pod.metadata.name}: ${pod.status.phase}, not ready: ${[...new Set([...notReady, ...(daprd === false ? ['daprd'] : [])])].join(', ') || 'pending'}` });
      } else ready++;
    }
    const wanted = minScale(svc);
    const sidecar = hasSidecar(svc) ? ' with daprd' : '';
    if (ready < wanted) findings.push({ ok: false, what: `${name}: ${ready} of ${wanted} warm pods ready${sidecar}` });
    else findings.push({ ok: true, what: `${name}: ${ready} pod${ready === 1 ? '' : 's'} ready${sidecar}${ready === 0 ? ' (scaled to zero)' : ''}` });
  }
  return findings;
}

const scopedTo = (r: DaprResource, app: string) => !r.scopes || r.scopes.length === 0 || r.scopes.includes(app);

/** A sidecar loaded every component scoped to its app, and subscribed to every topic its Subscriptions name. */
export function checkSidecar(app: string, metadata: SidecarMetadata, resources: DaprResource[]): Finding[] {
  const loaded = new Set((metadata.components ?? []).map((c) => c.name));
  const subscribed = new Set((metadata.subscriptions ?? []).map((s) => s.topic));
  const findings: Finding[] = [];
  if (metadata.id !== app) findings.push({ ok: false, what: `${app}: its sidecar says it is ${metadata.id}` });
  for (const r of resources.filter((r) => scopedTo(r, app))) {
    if (r.kind === 'Component') {
      findings.push(loaded.has(r.metadata.name) ? { ok: true, what: `${app}: component ${r.metadata.name} loaded` } : { ok: false, what: `${app}: component ${r.metadata.name} not loaded (see its daprd log)` });
    } else if (r.kind === 'Subscription' && r.spec.topic) {
      findings.push(subscribed.has(r.spec.topic) ? { ok: true, what: `${app}: subscribed to ${r.spec.topic}` } : { ok: false, what: `${app}: not subscribed to ${r.spec.topic}` });
    }
  }
  return findings;
}

/** The end-to-end call: create a task through the public route, read it back, delete it. */
export async function smoke(baseUrl: string, token: string, call: typeof fetch = fetch): Promise<Finding[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const url = (path: string) => new URL(path, baseUrl).toString();
  const title = `validate-deployment ${new Date().toISOString()}`;
  const created = await call(url('/api/tasks'), { method: 'POST', headers, body: JSON.stringify({ title }) });
  if (created.status !== 201) return [{ ok: false, what: `POST /api/tasks answered ${created.status}: ${(await created.text()).slice(0, 300)}` }];
  const { id } = (await created.json()) as { id: string };
  const read = await call(url(`/api/tasks/${id}`), { headers });
  const back = read.status === 200 ? ((await read.json()) as { title?: string }) : undefined;
  const removed = await call(url(`/api/tasks/${id}`), { method: 'DELETE', headers });
  return [
    { ok: true, what: 'POST /api/tasks created a task' },
    back?.title === title ? { ok: true, what: `GET /api/tasks/${id} read it back` } : { ok: false, what: `GET /api/tasks/${id} answered ${read.status}` },
    removed.status === 204 ? { ok: true, what: `DELETE /api/tasks/${id} removed it` } : { ok: false, what: `DELETE /api/tasks/${id} answered ${removed.status}` },
  ];
}
