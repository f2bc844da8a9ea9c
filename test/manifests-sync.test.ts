import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { seconds, timeouts } from '../scripts/checks/chart-rules.ts';
import { helmTemplate } from '../scripts/manifests/helm.ts';

// What the chart gives sync beyond the timeout rule every route obeys (scripts/checks/chart-rules.ts,
// whose longest hold is sync's own wait cap): a Service and a route in every values file, and room
// on one instance for many held polls.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

const chart = path.join(import.meta.dirname, '..', 'helm', 'taskfn');
const valuesFiles = ['values-local.yaml', 'values-digitalocean.yaml', 'values-azure.yaml', 'values-selfhosted.yaml'];

describe('the chart for sync', { timeout: 120_000 }, () => {
  for (const file of valuesFiles) {
    it(`keeps the longest wait under the Service and route timeouts, with room for held polls (${file})`, () => {
      const objects = helmTemplate(chart, { values: [path.join(chart, file)] }).map((r) => r.obj as Obj);
      const service = objects.find((o) => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1' && o.metadata.name === 'sync');
      assert.ok(service, 'a Knative Service for sync');
      const spec = service.spec.template.spec;
      assert.ok(spec.containerConcurrency === 0 || spec.containerConcurrency >= 500, `containerConcurrency ${spec.containerConcurrency}`);
      const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api-sync');
      assert.ok(route, 'an HTTPRoute for sync');
      assert.deepEqual(timeouts([service, route]), []);
    });
  }

  it('reads Gateway API durations', () => {
    assert.deepEqual(['60s', '1m30s', '500ms', '2h'].map(seconds), [60, 90, 0.5, 7200]);
  });
});
