import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { publicRoutes } from '../scripts/checks/chart-rules.ts';
import { helmTemplate } from '../scripts/manifests/helm.ts';

// What the chart lets in: the public routes carry /api, / and the web assets alone (the rule in
// scripts/checks/chart-rules.ts), never /metrics or an event, cron, relay or Dapr endpoint; no function gets a public URL of
// its own; and every caller of an event, cron or relay endpoint has to authenticate, in either wiring.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

const chart = path.join(import.meta.dirname, '..', 'helm', 'taskfn');
const valuesFiles = ['values-local.yaml', 'values-digitalocean.yaml', 'values-azure.yaml'];
const render = (file: string, set: Record<string, string> = {}): Obj[] =>
  helmTemplate(chart, { values: [path.join(chart, file)], set }).map((r) => r.obj as Obj);
const renders = valuesFiles.flatMap((file) => ['dapr', 'knative'].map((wiring) => ({ label: `${file}, eventWiring=${wiring}`, objects: render(file, { eventWiring: wiring }) })));

const knativeServices = (objects: Obj[]) => objects.filter((o) => o.apiVersion === 'serving.knative.dev/v1' && o.kind === 'Service');
const env = (container: Obj, name: string): Obj | undefined => (container.env as Obj[]).find((e) => e.name === name);

describe('what the chart exposes', { timeout: 300_000 }, () => {
  it('routes only /api, / and the web assets publicly, never /metrics, /events/*, /cron-tick, /relay-outbox or /dapr/*', () => {
    for (const { label, objects } of renders) {
      assert.ok(objects.some((o) => o.kind === 'HTTPRoute'), label);
      assert.deepEqual(publicRoutes(objects), [], label);
    }
  });

  it('keeps every function cluster-local, with no value that gives one a public URL of its own', () => {
    for (const { label, objects } of renders) {
      for (const svc of knativeServices(objects)) {
        assert.equal(svc.metadata.labels['networking.knative.dev/visibility'], 'cluster-local', `${label} ${svc.metadata.name}`);
      }
    }
    assert.throws(() => render('values-local.yaml', { 'knative.visibility': 'external' }), /visibility/);
  });

  it('gives every function container and job APP_API_TOKEN from the Secret, and every sidecar the same Secret to send', () => {
    for (const { label, objects } of renders) {
      for (const svc of knativeServices(objects)) {
        const [container] = svc.spec.template.spec.containers as Obj[];
        assert.deepEqual(env(container!, 'APP_API_TOKEN')?.valueFrom, { secretKeyRef: { name: 'taskfn-app-api-token', key: 'token' } }, `${label} ${svc.metadata.name}`);
        const annotations = svc.spec.template.metadata.annotations as Record<string, string>;
        if (annotations['dapr.io/enabled'] === 'true') assert.equal(annotations['dapr.io/app-token-secret'], 'taskfn-app-api-token', `${label} ${svc.metadata.name}`);
      }
      for (const job of objects.filter((o) => o.kind === 'Job')) {
        const [container] = job.spec.template.spec.containers as Obj[];
        assert.ok(env(container!, 'APP_API_TOKEN'), `${label} ${job.metadata.name}: production refuses to start without it`);
      }
    }
  });

  it('under the knative wiring, has each source ask an OIDC token for its own function, which requires exactly that audience', () => {
    const objects = render('values-local.yaml', { eventWiring: 'knative' });
    const sources = objects.filter((o) => o.apiVersion.startsWith('sources.knative.dev/'));
    assert.deepEqual(sources.map((s) => s.kind).sort(), ['KafkaSource', 'KafkaSource', 'KafkaSource', 'KafkaSource', 'PingSource']);
    for (const source of sources) {
      const fn = source.spec.sink.ref.name as string;
      assert.equal(source.spec.sink.audience, `taskfn/taskfn/${fn}`);
      const svc = knativeServices(objects).find((s) => s.metadata.name === fn)!;
      const [container] = svc.spec.template.spec.containers as Obj[];
      assert.equal(env(container!, 'EVENT_OIDC_AUDIENCE')?.value, source.spec.sink.audience, fn);
      assert.equal(env(container!, 'EVENT_OIDC_NAMESPACE')?.value, 'taskfn', fn);
      assert.equal(env(container!, 'EVENT_OIDC_ISSUER')?.value, 'https://kubernetes.default.svc.cluster.local', fn);
      const file = env(container!, 'EVENT_OIDC_JWKS_TOKEN_FILE')?.value as string;
      const mount = (container!.volumeMounts as Obj[]).find((m) => file.startsWith(`${m.mountPath}/`));
      const volume = (svc.spec.template.spec.volumes as Obj[]).find((v) => v.name === mount?.name);
      assert.ok(volume?.projected.sources.some((s: Obj) => s.serviceAccountToken), `${fn}: the token the keys are fetched with`);
    }
  });
});
