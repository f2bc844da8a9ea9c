import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { cloudEvent } from './cloudevent.ts';
import { createDaprTransport } from './dapr.ts';

// A stand-in for the sidecar that records requests and answers as Dapr's pub/sub API documents
// (https://docs.dapr.io/reference/api/pubsub_api/): these tests check the contract, not a sidecar.
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let answer = 204;
const sidecar = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    res.writeHead(answer, answer === 204 ? {} : { 'content-type': 'application/json' });
    res.end(answer === 204 ? '' : '{"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE","message":"broker down"}');
  });
});
let endpoint = '';
before(async () => {
  await new Promise<void>((resolve) => sidecar.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(sidecar.address() as { port: number }).port}`;
});
after(() => sidecar.close());

const event = (user: string) => cloudEvent({ type: 'com.taskfn.task.created', source: 'create-task', subject: 'task-1', partitionkey: user, data: { n: 1 } });

describe('dapr transport (Dapr HTTP API contract, no sidecar)', () => {
  it('POSTs each event to /v1.0/publish/{pubsub}/{topic} with the user as metadata.partitionKey and a structured-mode content-type header for the record', async () => {
    seen.length = 0;
    answer = 204;
    const transport = createDaprTransport({ endpoint, pubsub: 'pubsub', apiToken: 'sidecar-token' });
    const events = [event('alice'), event('bob@example.com')];
    await transport.publish(events.map((e) => ({ topic: 'task-events', key: e.partitionkey!, event: e })));
    assert.deepEqual(seen.map((s) => [s.method, s.url]), [
      ['POST', '/v1.0/publish/pubsub/task-events?metadata.partitionKey=alice&metadata.content-type=application%2Fcloudevents%2Bjson'],
      ['POST', '/v1.0/publish/pubsub/task-events?metadata.partitionKey=bob%40example.com&metadata.content-type=application%2Fcloudevents%2Bjson'],
    ]);
    for (const [i, s] of seen.entries()) {
      // Our own CloudEvent, sent as is: Dapr wraps anything else in an envelope of its own.
      assert.equal(s.headers['content-type'], 'application/cloudevents+json');
      assert.equal(s.headers['dapr-api-token'], 'sidecar-token');
      assert.deepEqual(JSON.parse(s.body), events[i]);
    }
  });

  it('sends no dapr-api-token header when none is configured', async () => {
    seen.length = 0;
    answer = 204;
    await createDaprTransport({ endpoint, pubsub: 'pubsub' }).publish([{ topic: 't', key: 'k', event: event('k') }]);
    assert.equal(seen[0]!.headers['dapr-api-token'], undefined);
  });

  it('rejects when the sidecar answers 500 (delivery failed), so the relay keeps the events pending', async () => {
    seen.length = 0;
    answer = 500;
    const transport = createDaprTransport({ endpoint, pubsub: 'pubsub' });
    const batch = [event('a'), event('b')].map((e) => ({ topic: 'task-events', key: e.partitionkey!, event: e }));
    await assert.rejects(transport.publish(batch), /answered 500/);
    assert.equal(seen.length, 1, 'stops at the first failure to keep order');
  });

  it('rejects when no sidecar listens', async () => {
    const transport = createDaprTransport({ endpoint: 'http://127.0.0.1:9', pubsub: 'pubsub', timeoutMs: 1000 });
    await assert.rejects(transport.publish([{ topic: 't', key: 'k', event: event('k') }]));
  });
});
