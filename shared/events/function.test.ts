import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request, serve } from '../../test/helpers.ts';
import { cloudEvent } from './cloudevent.ts';
import { eventFunction } from './function.ts';
import { topics } from './topics.ts';
import type { Outcome } from './transport.ts';

// How an event function answers its deliverer over HTTP. Dapr reads SUCCESS and DROP from the body
// and redelivers on any other status but 404; Knative Eventing (KafkaSource) redelivers on any
// non-2xx and takes every 2xx as delivered (contract: the status codes both document).

let next: Outcome = 'SUCCESS';
const fn = eventFunction('probe-deliveries', { topic: topics.taskEvents, handle: () => Promise.resolve(next) });
const app = serve(() => Promise.resolve(fn));

const event = () => cloudEvent({ type: 'com.taskfn.task.created', source: 'test', subject: 'x', partitionkey: 'u1', data: {} });

/** As Knative posts: binary mode, attributes in ce- headers. */
function binary() {
  const { data, ...attributes } = event();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(attributes)) if (k !== 'datacontenttype' && typeof v === 'string') headers[`ce-${k}`] = v;
  return { body: JSON.stringify(data), headers };
}

describe('event function deliveries', () => {
  for (const [wiring, delivery] of [
    ['Dapr (structured)', () => ({ body: JSON.stringify(event()), headers: { 'content-type': 'application/cloudevents+json' } })],
    ['Knative (binary)', binary],
  ] as const) {
    it(`${wiring}: 200 with SUCCESS or DROP, and a 503 for RETRY so that either deliverer redelivers`, async () => {
      for (const outcome of ['SUCCESS', 'DROP'] as const) {
        next = outcome;
        const res = await request(app.url(), 'POST', '/events/probe-deliveries', delivery());
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { status: outcome });
      }
      next = 'RETRY';
      const res = await request(app.url(), 'POST', '/events/probe-deliveries', delivery());
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'retry');
    });
  }
});
