import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog } from '../functions/catalog.ts';
import { openApiPath } from '../shared/http/route.ts';
import { clientFor, loadHost, request, serve } from './helpers.ts';
import { undecodableBodies } from './undecodable-bodies.ts';

const app = serve(loadHost);

describe('local host', () => {
  it('answers /healthz with the database check', async () => {
    const res = await request(app.url(), 'GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', checks: { database: 'ok' } });
  });

  it('counts requests per function and route in Prometheus format at /metrics', async () => {
    const c = await clientFor(app.url());
    await c.post('/api/tasks', { title: 'counted' });
    await c.post('/api/tasks', { title: '' });
    const res = await fetch(`${app.url()}/metrics`);
    const text = await res.text();
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    assert.match(text, /taskfn_http_requests_total\{function="create-task",method="POST",route="\/api\/tasks",status="201"\} [1-9]/);
    assert.match(text, /taskfn_http_requests_total\{function="create-task",method="POST",route="\/api\/tasks",status="400"\} [1-9]/);
    assert.match(text, /taskfn_http_request_duration_seconds_bucket\{le="0.005",function="create-task"/);
    assert.match(text, /# TYPE taskfn_http_errors_total counter/);
  });

  it('echoes a caller x-request-id, else takes the trace id of traceparent, else makes one', async () => {
    const given = await request(app.url(), 'GET', '/api/tasks', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(given.headers.get('x-request-id'), 'abc-123');
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = await request(app.url(), 'GET', '/api/tasks', { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } });
    assert.equal(traced.headers.get('x-request-id'), trace);
    const made = await request(app.url(), 'GET', '/api/tasks', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(made.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404 and wrong methods with a JSON 405 and Allow', async () => {
    const missing = await request(app.url(), 'GET', '/api/nothing');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const wrong = await request(app.url(), 'PUT', '/api/tasks/6f1c2b1e-8d5a-4c1e-9c44-2a0f3e9b7d10');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.body.error.code, 'method_not_allowed');
    assert.deepEqual(wrong.headers.get('allow')!.split(', ').sort(), ['DELETE', 'GET', 'PATCH']);
  });

  it('answers HEAD as GET without a body: the page, a read route, /healthz', async () => {
    const { token } = await clientFor(app.url());
    for (const [path, headers] of [['/', {}], ['/api/tasks', { authorization: `Bearer ${token}` }], ['/healthz', {}]] as const) {
      const get = await fetch(`${app.url()}${path}`, { headers });
      const head = await fetch(`${app.url()}${path}`, { method: 'HEAD', headers });
      assert.equal(head.status, get.status, path);
      assert.equal(get.status, 200, path);
      assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), path);
      assert.equal(await head.text(), '', path);
    }
  });

  it('serves an OpenAPI 3.1 document listing every route of every function in the catalog', async () => {
    const res = await request(app.url(), 'GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    for (const entry of catalog) {
      for (const r of (await entry.load()).routes.filter((r) => !r.alone)) {
        const op = res.body.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
        assert.ok(op, `${r.method} ${r.path}`);
        assert.deepEqual(op.tags, [entry.name]);
      }
    }
    const create = res.body.paths['/api/tasks'].post;
    assert.deepEqual(create.requestBody.content['application/json'].schema.required, ['title']);
    assert.equal(create.requestBody.content['application/json'].schema.additionalProperties, false);
    assert.ok(create.responses['201']);
    const list = res.body.paths['/api/tasks'].get;
    assert.ok(list.parameters.some((p: { name: string; in: string }) => p.name === 'cursor' && p.in === 'query'));
  });

  for (const { name, body, contentType, status, code, path } of undecodableBodies) {
    it(`answers ${status} ${code} to a body with ${name}, and stores nothing`, async () => {
      const c = await clientFor(app.url());
      const res = await c.send('POST', '/api/tasks', { body, headers: { 'content-type': contentType } });
      assert.deepEqual([res.status, res.body.error.code], [status, code]);
      if (path) assert.equal(res.body.error.details[0].path, path);
      assert.deepEqual((await c.get('/api/tasks')).body.items, []);
    });
  }

  it('takes a UTF-8 body declared as charset=UTF-8, or with no charset, characters intact', async () => {
    const c = await clientFor(app.url());
    for (const contentType of ['application/json; charset=UTF-8', 'application/json']) {
      const res = await c.send('POST', '/api/tasks', { body: '{"title":"café 😀"}', headers: { 'content-type': contentType } });
      assert.deepEqual([res.status, res.body.title], [201, 'café 😀'], contentType);
    }
  });

  it('offers no dev token endpoint outside AUTH_MODE=dev', async () => {
    const res = await request(app.url(), 'POST', '/api/dev/token', {
      body: '{"user_id":"mallory"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 404);
  });
});
