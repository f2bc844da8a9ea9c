import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { helmTemplate } from '../scripts/manifests/helm.ts';
import { maxWaitSeconds } from '../shared/domain/sync.ts';

// A held poll answers within `wait` plus its reads. Knative cuts a request at the revision's
// timeoutSeconds and the Gateway at its route's timeout, so both must sit comfortably above the
// longest wait the API accepts, in every values file; and one instance must hold many polls.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

const chart = path.join(import.meta.dirname, '..', 'helm', 'taskfn');
const valuesFiles = ['values-local.yaml', 'values-digitalocean.yaml', 'values-azure.yaml', 'values-selfhosted.yaml'];
/** Room for the reads around the wait, and for a slow database answer. */
const margin = 10;

/** Gateway API durations as seconds ("60s", "1m", "1m30s", "500ms"). */
function seconds(duration: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return [...duration.matchAll(/([0-9.]+)(ms|h|m|s)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u!]!, 0);
}

describe('the chart for sync', { timeout: 120_000 }, () => {
  for (const file of valuesFiles) {
    it(`keeps the longest wait under the Service and route timeouts, with room for held polls (${file})`, () => {
      const objects = helmTemplate(chart, { values: [path.join(chart, file)] }).map((r) => r.obj as Obj);
      const service = objects.find((o) => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1' && o.metadata.name === 'sync');
      assert.ok(service, 'a Knative Service for sync');
      const spec = service.spec.template.spec;
      assert.ok(spec.timeoutSeconds >= maxWaitSeconds + margin, `timeoutSeconds ${spec.timeoutSeconds}`);
      assert.ok(spec.containerConcurrency === 0 || spec.containerConcurrency >= 500, `containerConcurrency ${spec.containerConcurrency}`);
      const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api-sync');
      assert.ok(route, 'an HTTPRoute for sync');
      for (const rule of route.spec.rules) assert.ok(seconds(rule.timeouts.request) >= maxWaitSeconds + margin, `route timeout ${rule.timeouts.request}`);
    });
  }

  it('reads Gateway API durations', () => {
    assert.deepEqual(['60s', '1m30s', '500ms', '2h'].map(seconds), [60, 90, 0.5, 7200]);
  });
});
