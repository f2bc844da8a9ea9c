import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ApiError, createApi } from './api.ts';

// Against a real HTTP server answering as the API does.
let server: Server;
let base = '';
const seen: { authorization?: string; contentType?: string; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      const answers: Record<string, [number, string, string]> = {
        '/ok': [200, 'application/json', '{"id":1}'],
        '/bad': [400, 'application/json', '{"error":{"code":"validation_failed","message":"the request is invalid","details":[{"path":"title"}]}}'],
        '/expired': [401, 'application/json', '{"error":{"code":"unauthorized","message":"token expired"}}'],
        '/html': [502, 'text/html', '<h1>Bad Gateway</h1>'],
        '/empty': [204, 'text/plain', ''],
      };
      const [status, type, text] = answers[req.url ?? ''] ?? [404, 'application/json', '{}'];
      res.writeHead(status, { 'content-type': type }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the API client', () => {
  it('sends the bearer token and a JSON body, and returns the parsed answer', async () => {
    const api = createApi({ base, token: () => 'tok' });
    assert.deepEqual((await api.post<{ id: number }>('/ok', { title: 'x' })).body, { id: 1 });
    assert.deepEqual(seen.at(-1), { authorization: 'Bearer tok', contentType: 'application/json', body: '{"title":"x"}' });
  });

  it("turns an error answer into an ApiError with the API's code and the field it names", async () => {
    const err = await createApi({ base, token: () => 'tok' }).get('/bad').catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.deepEqual([err.status, err.code, err.details], [400, 'validation_failed', [{ path: 'title' }]]);
  });

  it('tells the app when the API refuses the token', async () => {
    let told = 0;
    await assert.rejects(createApi({ base, token: () => 'old', onUnauthorized: () => told++ }).get('/expired'), { status: 401 });
    assert.equal(told, 1);
  });

  it("reads a proxy's HTML error page as its status, and an empty answer as no body", async () => {
    const api = createApi({ base, token: () => undefined });
    await assert.rejects(api.get('/html'), { status: 502, code: 'http_error' });
    assert.equal((await api.delete('/empty')).body, undefined);
    assert.equal(seen.at(-1)?.authorization, undefined);
  });

  it('reports a server it cannot reach as offline', async () => {
    await assert.rejects(createApi({ base: 'http://127.0.0.1:1', token: () => undefined }).get('/ok'), { status: 0, code: 'offline' });
  });
});
