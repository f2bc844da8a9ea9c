import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type DaprStateApi, startDaprStateApi } from '../../test/dapr-state-api.ts';
import { newUser } from '../../test/helpers.ts';
import { createDaprStore } from './dapr.ts';
import { StateUnavailableError, conversationKey } from './port.ts';
import { behavesAsAConversationStore, message, ttlSeconds } from './store-behaviour.ts';

// Against a server that answers as Dapr's state API documents: the contract, not a sidecar (the
// real daprd run is a later issue's).
describe('dapr conversation store (Dapr state API contract)', () => {
  let api: DaprStateApi;
  before(async () => {
    api = await startDaprStateApi({ store: 'statestore' });
  });
  after(() => api.close());
  const make = (maxMessages = 10) => createDaprStore({ endpoint: api.endpoint, store: 'statestore', apiToken: 'sidecar-token', timeoutMs: 2000, ttlSeconds, maxMessages });

  // Moving the sidecar's clock past the TTL expires every key written so far; each test uses its own.
  behavesAsAConversationStore(make, () => Promise.resolve(api.advance(ttlSeconds * 1000 + 1)));

  it('writes {key, value, etag, first-write, ttlInSeconds} items and reads with GET, with the API token', async () => {
    const [user, id] = [newUser(), randomUUID()];
    const key = conversationKey(user, id);
    const from = api.requests.length;
    await make().append(user, id, [message('one')]);
    await make().append(user, id, [message('two')]);
    const seen = api.requests.slice(from);
    assert.deepEqual(seen.map((r) => [r.method, r.url]), [
      ['GET', `/v1.0/state/statestore/${encodeURIComponent(key)}`],
      ['POST', '/v1.0/state/statestore'],
      ['GET', `/v1.0/state/statestore/${encodeURIComponent(key)}`],
      ['POST', '/v1.0/state/statestore'],
    ]);
    const [first] = JSON.parse(seen[1]!.body) as Record<string, unknown>[];
    const [second] = JSON.parse(seen[3]!.body) as Record<string, unknown>[];
    assert.equal(first!.etag, undefined, 'a new conversation has no ETag to send');
    assert.equal(typeof second!.etag, 'string');
    for (const item of [first!, second!]) {
      assert.equal(item.key, key);
      assert.deepEqual(item.options, { concurrency: 'first-write', consistency: 'strong' });
      assert.deepEqual(item.metadata, { ttlInSeconds: String(ttlSeconds) });
    }
    assert.deepEqual((second!.value as { messages: { text: string }[] }).messages.map((m) => m.text), ['one', 'two']);
    assert.ok(seen.every((r) => r.headers['dapr-api-token'] === 'sidecar-token'));
  });

  it('reads again and retries when the sidecar answers 409 (another writer won), keeping both writes', async () => {
    const [user, id] = [newUser(), randomUUID()];
    await make().append(user, id, [message('one')]);
    api.conflictNext(2);
    const from = api.requests.length;
    await make().append(user, id, [message('two')]);
    assert.deepEqual(api.requests.slice(from).map((r) => r.method), ['GET', 'POST', 'GET', 'POST', 'GET', 'POST']);
    assert.deepEqual((await make().load(user, id))?.map((m) => m.text), ['one', 'two']);
  });

  it('answers state_unavailable when the sidecar is not there', async () => {
    const store = createDaprStore({ endpoint: 'http://127.0.0.1:9', store: 'statestore', timeoutMs: 1000, ttlSeconds, maxMessages: 10 });
    await assert.rejects(store.load(newUser(), randomUUID()), StateUnavailableError);
    await assert.rejects(store.append(newUser(), randomUUID(), [message('x')]), StateUnavailableError);
  });

  it('answers state_unavailable when the sidecar refuses the call (400: no such store)', async () => {
    const store = createDaprStore({ endpoint: api.endpoint, store: 'no-such-store', timeoutMs: 1000, ttlSeconds, maxMessages: 10 });
    await assert.rejects(store.load(newUser(), randomUUID()), StateUnavailableError);
  });
});
