import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as z from 'zod';
import { parse, parseAllDocuments } from 'yaml';
import type { CatalogEntry } from '../functions/catalog.ts';
import { catalog } from '../functions/catalog.ts';
import { eventFunction } from '../shared/events/function.ts';
import { topics } from '../shared/events/topics.ts';
import { httpFunction, route } from '../shared/http/index.ts';
import { describeCatalog, gatewayMatch } from '../scripts/manifests/describe.ts';
import { drift, driftAdvice, driftReport, generate, root } from '../scripts/manifests/generate.ts';
import { helmTemplate } from '../scripts/manifests/helm.ts';

// knative/, the Dapr resources of dapr/, dapr.yaml and the chart's function list are generated from
// functions/catalog.ts through the chart (npm run generate:manifests). These tests fail when the committed
// files drift from that, and show the generator handles every kind of catalog entry.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj);
const metadataValue = (component: Obj, name: string): unknown => (component.spec.metadata as Obj[]).find((m) => m.name === name)?.value;

const handle = () => Promise.resolve({});
const probe = (name: string, routes: Parameters<typeof route>[0][]) => httpFunction(name, routes.map((r) => route(r)));

/** One entry of each kind, with every sidecar use, built from the real function helpers. */
const everyKind: CatalogEntry[] = [
  {
    name: 'probe-http',
    trigger: 'http',
    scaling: 'scale-to-zero',
    uses: ['publish', 'state'],
    load: () =>
      Promise.resolve(
        probe('probe-http', [
          { method: 'POST', path: '/api/probes', summary: 'create', handle },
          { method: 'POST', path: '/api/probes/:id/poke', summary: 'poke', handle },
          { method: 'POST', path: '/probe-internal', summary: 'not public', handle },
        ]),
      ),
  },
  { name: 'probe-reader', trigger: 'http', scaling: 'scale-to-zero', load: () => Promise.resolve(probe('probe-reader', [{ method: 'GET', path: '/api/probes', summary: 'list', handle }])) },
  {
    name: 'probe-event',
    trigger: 'event',
    topic: topics.notificationEvents.name,
    scaling: 'warm',
    uses: ['email'],
    load: () => Promise.resolve(eventFunction('probe-event', { topic: topics.notificationEvents, handle: () => Promise.resolve('SUCCESS' as const) })),
  },
  {
    name: 'probe-cron',
    trigger: 'cron',
    binding: 'probe-tick',
    scaling: 'warm',
    uses: ['publish'],
    load: () => Promise.resolve(Object.assign(probe('probe-cron', [{ method: 'POST', path: '/probe-tick', summary: 'tick', body: z.unknown(), handle }]), { run: handle })),
  },
];

describe('generated manifests', { timeout: 300_000 }, () => {
  let committed: Map<string, string>;
  let probes: Map<string, string>;
  before(async () => {
    committed = await generate();
    probes = await generate(everyKind);
  });

  it('match the committed files: knative/, dapr/, dapr.yaml and the chart function list (npm run generate:manifests)', async () => {
    const report = driftReport(await drift(committed));
    assert.equal(report.length, 0, `${driftAdvice}:\n${report.join('\n')}`);
  });

  it('reports drift when the catalog gains a function the committed files lack', async () => {
    const d = await drift(await generate([...catalog, everyKind[1]!]));
    assert.deepEqual(d.changed, ['helm/taskfn/values.yaml', 'dapr.yaml']);
    assert.deepEqual(d.missing, ['knative/probe-reader.yaml']);
  });

  it('self-hosted daprd loads exactly the Dapr resources the chart renders with values-selfhosted.yaml', async () => {
    const values = path.join(root, 'helm/taskfn/values-selfhosted.yaml');
    const rendered = helmTemplate(path.join(root, 'helm/taskfn'), { values: [values] }).filter(({ obj }) => obj.apiVersion.startsWith('dapr.io/'));
    const files = [...committed.keys()].filter((f) => f.startsWith('dapr/components/') || f === 'dapr/config.yaml');
    assert.equal(files.length, rendered.length);
    for (const { obj } of rendered) {
      const file = obj.kind === 'Configuration' ? 'dapr/config.yaml' : `dapr/components/${obj.kind === 'Component' ? '' : `${obj.kind.toLowerCase()}-`}${obj.metadata.name}.yaml`;
      const onDisk = parse(await readFile(path.join(root, file), 'utf8')) as Obj;
      // Only the labels naming the release and chart version are left out of the files.
      const labels = Object.fromEntries(Object.entries(obj.metadata.labels ?? {}).filter(([k]) => !/^(helm\.sh\/chart|app\.kubernetes\.io\/(managed-by|instance|version))$/.test(k)));
      assert.deepEqual(onDisk, { ...obj, metadata: { ...obj.metadata, labels } }, file);
    }
  });

  it('lists each kind in the chart values: public /api routes as Gateway matches, topics, bindings, uses', () => {
    const values = parse(probes.get('helm/taskfn/values.yaml')!) as Obj;
    assert.deepEqual(values.functions, [
      {
        name: 'probe-http',
        trigger: 'http',
        scaling: 'scale-to-zero',
        uses: ['publish', 'state'],
        routes: [
          { method: 'POST', path: { type: 'Exact', value: '/api/probes' } },
          { method: 'POST', path: { type: 'RegularExpression', value: '^/api/probes/[^/]+/poke$' } },
        ],
      },
      { name: 'probe-reader', trigger: 'http', scaling: 'scale-to-zero', uses: [], routes: [{ method: 'GET', path: { type: 'Exact', value: '/api/probes' } }] },
      {
        name: 'probe-event',
        trigger: 'event',
        scaling: 'warm',
        uses: ['email'],
        topic: 'notification-events',
        deadLetterTopic: 'notification-events-dlq',
        path: '/events/probe-event',
      },
      { name: 'probe-cron', trigger: 'cron', scaling: 'warm', uses: ['publish'], binding: 'probe-tick', path: '/probe-tick' },
    ]);
  });

  it('scopes each Dapr component to the functions that use it', () => {
    const component = (name: string) => parse(probes.get(`dapr/components/${name}.yaml`)!) as Obj;
    assert.deepEqual(component('pubsub').scopes, ['probe-http', 'probe-event', 'probe-cron']);
    assert.deepEqual(component('statestore').scopes, ['probe-http']);
    assert.deepEqual(component('email').scopes, ['probe-event']);
    assert.deepEqual(component('probe-tick').scopes, ['probe-cron']);
    assert.equal(metadataValue(component('probe-tick'), 'schedule'), '@every 10s');
    assert.equal(metadataValue(component('pubsub'), 'initialOffset'), 'oldest');
    assert.equal(metadataValue(component('pubsub'), 'consumerGroup'), '{appID}');
  });

  it('subscribes event functions declaratively at their route, with the topic\'s dead-letter topic', () => {
    const sub = parse(probes.get('dapr/components/subscription-probe-event.yaml')!) as Obj;
    assert.deepEqual(sub.spec, { pubsubname: 'pubsub', topic: 'notification-events', routes: { default: '/events/probe-event' }, deadLetterTopic: 'notification-events-dlq' });
    assert.deepEqual(sub.scopes, ['probe-event']);
  });

  it('scales HTTP functions to zero and keeps event and cron functions warm under the dapr wiring', () => {
    const scale = (fn: string) => {
      const [svc] = docs(probes.get(`knative/${fn}.yaml`)!);
      const a = svc!.spec.template.metadata.annotations as Record<string, string>;
      return [a['autoscaling.knative.dev/min-scale'], a['dapr.io/enabled'], a['dapr.io/app-id'], a['dapr.io/metrics-port']];
    };
    assert.deepEqual(scale('probe-http'), ['0', 'true', 'probe-http', '9095']);
    assert.deepEqual(scale('probe-event'), ['1', 'true', 'probe-event', '9095']);
    assert.deepEqual(scale('probe-cron'), ['1', 'true', 'probe-cron', '9095']);
  });

  it('pushes to event and cron functions with a KafkaSource and a PingSource under the knative wiring', () => {
    const [eventSvc, kafkaSource] = docs(probes.get('knative/eventing/probe-event.yaml')!);
    assert.equal(eventSvc!.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'], '0');
    assert.equal(kafkaSource!.kind, 'KafkaSource');
    assert.deepEqual(kafkaSource!.spec.topics, ['notification-events']);
    assert.equal(kafkaSource!.spec.consumerGroup, 'probe-event');
    assert.equal(kafkaSource!.spec.initialOffset, 'earliest');
    assert.deepEqual(kafkaSource!.spec.sink, {
      ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'probe-event' },
      uri: '/events/probe-event',
      audience: 'taskfn/taskfn/probe-event',
    });

    const [cronSvc, pingSource] = docs(probes.get('knative/eventing/probe-cron.yaml')!);
    assert.equal(cronSvc!.spec.template.metadata.annotations['dapr.io/enabled'], undefined, 'a pushed function that only publishes runs without a sidecar');
    const env = cronSvc!.spec.template.spec.containers[0].env as Obj[];
    assert.equal(env.find((e) => e.name === 'EVENT_TRANSPORT')?.value, 'kafka');
    assert.equal(pingSource!.kind, 'PingSource');
    assert.equal(pingSource!.spec.sink.uri, '/probe-tick');
  });

  it('starts every function with its own sidecar in the multi-app run file', () => {
    const run = parse(probes.get('dapr.yaml')!) as Obj;
    assert.deepEqual(
      (run.apps as Obj[]).map((a) => [a.appID, a.appPort, a.daprHTTPPort]),
      [
        ['probe-http', 8101, 3601],
        ['probe-reader', 8102, 3602],
        ['probe-event', 8103, 3603],
        ['probe-cron', 8104, 3604],
      ],
    );
    assert.deepEqual(run.common.resourcesPaths, ['./dapr/components']);
  });
});

describe('describing the catalog', () => {
  it('turns path parameters into an anchored Gateway API regular expression', () => {
    assert.deepEqual(gatewayMatch({ method: 'PATCH', path: '/api/tasks/:id' }), { method: 'PATCH', path: { type: 'RegularExpression', value: '^/api/tasks/[^/]+$' } });
    assert.deepEqual(gatewayMatch({ method: 'GET', path: '/api/activity/summary' }), { method: 'GET', path: { type: 'Exact', value: '/api/activity/summary' } });
  });

  it('refuses a cron entry whose function does not serve POST /<binding>', async () => {
    const [http, , , cron] = everyKind;
    await assert.rejects(describeCatalog([{ ...cron!, binding: 'other-tick' } as CatalogEntry]), /must serve POST \/other-tick/);
    await assert.rejects(describeCatalog([http!, http!]), /listed twice/);
  });

  it('refuses an event entry whose function subscribes to another topic', async () => {
    const event = everyKind[2]!;
    await assert.rejects(describeCatalog([{ ...event, topic: 'task-events' } as CatalogEntry]), /subscribes to notification-events/);
  });
});
