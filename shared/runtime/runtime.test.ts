import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../config.ts';
import { freePort } from '../../test/free-port.ts';
import { clientFor, eventually, loadHost, request, serve } from '../../test/helpers.ts';
import { createCommitSignal } from './commit-signal.ts';
import { runtime, withRuntime } from './current.ts';
import { type Runtime, createRuntime } from './runtime.ts';

describe('the commit signal', () => {
  it('tells every listener of each commit until it unsubscribes', () => {
    const signal = createCommitSignal();
    const heard: string[] = [];
    const stopA = signal.onCommit(() => heard.push('a'));
    signal.onCommit(() => heard.push('b'));
    signal.committed();
    stopA();
    signal.committed();
    assert.deepEqual(heard, ['a', 'b', 'b']);
  });
});

// Two replicas in one process: each runtime has its own pool, commit signal and relay, and they
// share only the database, as two pods of the local host would.
describe('two runtimes side by side', () => {
  const config = loadConfig(process.env);
  let a: Runtime;
  let b: Runtime;
  const hostA = serve(async () => {
    a = createRuntime(config);
    return withRuntime(a, loadHost);
  }, () => a);
  const hostB = serve(async () => {
    b = createRuntime(config);
    return withRuntime(b, loadHost);
  }, () => b);
  after(() => runtime().close());

  it('keep their own pools, commit signals and relays over one database', async () => {
    assert.notEqual(a.sql, b.sql);
    const commits = { a: 0, b: 0 };
    a.commits.onCommit(() => commits.a++);
    b.commits.onCommit(() => commits.b++);

    const onA = await clientFor(hostA.url());
    const onB = await clientFor(hostB.url(), onA.user);
    const created = await onA.post('/api/tasks', { title: 'written through replica A' });
    assert.equal(created.status, 201);
    assert.deepEqual(commits, { a: 1, b: 0 });
    // Replica B reads what A wrote, and A's relay delivered the event to A's log-activity.
    assert.equal((await onB.get(`/api/tasks/${created.body.id}`)).body.title, 'written through replica A');
    await eventually(async () => (await onB.get(`/api/activity?entity_id=${created.body.id}`)).body.items.length === 1);
  });

  it('outlive each other: with B closed, B answers 503 and A keeps writing and relaying', async () => {
    await b.close();
    const onA = await clientFor(hostA.url());
    const onB = await clientFor(hostB.url(), onA.user);
    assert.equal((await onB.post('/api/tasks', { title: 'B is gone' })).status, 503);
    const created = await onA.post('/api/tasks', { title: 'A still works' });
    assert.equal(created.status, 201);
    await eventually(async () => (await onA.get(`/api/activity?entity_id=${created.body.id}`)).body.items.length === 1);
  });
});

describe('a runtime whose function has a Dapr sidecar (DAPR_HEALTH_CHECK=true)', () => {
  let sidecarless: Runtime;
  const host = serve(async () => {
    sidecarless = createRuntime(loadConfig({ ...process.env, DAPR_HEALTH_CHECK: 'true', DAPR_HTTP_ENDPOINT: `http://127.0.0.1:${await freePort()}` }));
    return withRuntime(sidecarless, loadHost);
  }, () => sidecarless);

  it('is not healthy while no sidecar answers, and says which check failed', async () => {
    const health = await request(host.url(), 'GET', '/healthz');
    assert.equal(health.status, 503);
    assert.deepEqual(health.body, { status: 'degraded', checks: { database: 'ok', sidecar: 'unavailable' } });
  });
});
