import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { db } from '../shared/db/client.ts';
import { taskEvent } from '../shared/events/task-events.ts';
import { clientFor, newUser, request, tokenFor } from './helpers.ts';
import { freePort } from './free-port.ts';
import { loneFunctions } from './lone.ts';
import { start, terminate, waitFor } from './processes.ts';
import { itBoundsSlowAndGreedyClients, smallLimitsEnv } from './slow-clients.ts';
import { undecodableBodies } from './undecodable-bodies.ts';

const sql = db();

// Each function runs alone under functions-framework's own server, as it does in its Knative
// Service: `functions-framework --target=<name>` with DATABASE_URL.
describe('a function run alone by functions-framework', () => {
  const lone = loneFunctions();
  after(() => sql.end());

  it('serves its own routes, refuses the others, and answers /healthz', async () => {
    const url = await lone('create-task');
    const c = await clientFor(url);
    const created = await c.post('/api/tasks', { title: 'from a lone function' });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'from a lone function');
    const bad = await c.post('/api/tasks', { title: 'x'.repeat(501) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'title');
    const other = await c.get('/api/tasks');
    assert.equal(other.status, 405);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('verifies tokens against an identity provider key set when JWKS_URL is set', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
      const url = await lone('get-tasks', { JWKS_URL: jwksUrl, JWT_SECRET: '', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'taskfn' });
      const sign = (claims: { iss?: string; aud?: string }) => {
        const jwt = new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('idp-user').setExpirationTime('5m');
        if (claims.iss) jwt.setIssuer(claims.iss);
        if (claims.aud) jwt.setAudience(claims.aud);
        return jwt.sign(privateKey);
      };
      const good = await request(url, 'GET', '/api/tasks', { headers: { authorization: `Bearer ${await sign({ iss: 'https://idp.example', aud: 'taskfn' })}` } });
      assert.equal(good.status, 200);
      const otherAudience = await request(url, 'GET', '/api/tasks', { headers: { authorization: `Bearer ${await sign({ iss: 'https://idp.example', aud: 'other' })}` } });
      assert.equal(otherAudience.status, 401);
      // Configured, iss and aud are required: a token leaving one out is refused.
      for (const claims of [{ iss: 'https://idp.example' }, { aud: 'taskfn' }]) {
        const res = await request(url, 'GET', '/api/tasks', { headers: { authorization: `Bearer ${await sign(claims)}` } });
        assert.equal(res.status, 401, JSON.stringify(claims));
      }
      const hs256 = await clientFor(url);
      assert.equal((await hs256.get('/api/tasks')).status, 401);
    } finally {
      jwks.close();
    }
  });

  it('refuses a token valid for longer than JWT_MAX_LIFETIME_SECONDS allows', async () => {
    const url = await lone('get-tasks', { JWT_MAX_LIFETIME_SECONDS: '600' });
    const get = async (expiresIn: string) =>
      (await request(url, 'GET', '/api/tasks', { headers: { authorization: `Bearer ${await tokenFor(newUser(), { expiresIn })}` } })).status;
    assert.equal(await get('1h'), 401);
    assert.equal(await get('9m'), 200);
  });

  it("refuses event deliveries without the sidecar's app API token, and takes them with it", async () => {
    const url = await lone('log-activity', { APP_API_TOKEN: 'app-token-from-a-secret' });
    const now = new Date().toISOString();
    const task = { id: crypto.randomUUID(), title: 't', description: '', priority: 'low' as const, due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null };
    const { event } = taskEvent('com.taskfn.task.created', 'test', { user_id: 'token-test', task });
    const post = (headers: Record<string, string>) =>
      request(url, 'POST', '/events/log-activity', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ 'dapr-api-token': 'wrong' })).status, 401);
    const ok = await post({ 'dapr-api-token': 'app-token-from-a-secret' });
    assert.deepEqual([ok.status, ok.body], [200, { status: 'SUCCESS' }]);
    const relay = await request(url, 'POST', '/relay-outbox', { body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(relay.status, 404, 'a lone function serves only its own routes');
    const subscribe = await request(url, 'GET', '/dapr/subscribe');
    assert.deepEqual(subscribe.body, [{ pubsubname: 'pubsub', topic: 'task-events', routes: { default: '/events/log-activity' }, deadLetterTopic: 'task-events-dlq' }]);
  });

  it('refuses bodies in another charset or not well-formed UTF-8 as the local host does, and stores nothing', async () => {
    const url = await lone('create-task');
    const c = await clientFor(url);
    for (const { name, body, contentType, status, code, path } of undecodableBodies) {
      const res = await fetch(`${url}/api/tasks`, { method: 'POST', body, headers: { authorization: `Bearer ${c.token}`, 'content-type': contentType } });
      assert.equal(res.status, status, name);
      // functions-framework's own JSON parser answers a charset it cannot read before our code runs, in HTML.
      if (res.headers.get('content-type')?.startsWith('application/json')) {
        const answer = (await res.json()) as { error: { code: string; details: { path: string }[] } };
        assert.equal(answer.error.code, code, name);
        if (path) assert.equal(answer.error.details[0]?.path, path, name);
      }
    }
    assert.equal((await sql`select count(*)::int as n from tasks where user_id = ${c.user}`)[0]!.n, 0);
  });

  it('writes no event of a type switched off by EVENTS_OFF', async () => {
    const url = await lone('create-task', { EVENTS_OFF: 'com.taskfn.task.created' });
    const c = await clientFor(url);
    const task = (await c.post('/api/tasks', { title: 'unannounced' })).body;
    assert.ok(task.id);
    assert.equal((await sql`select id from outbox where event->>'subject' = ${task.id}`).length, 0);
  });
});

// The server a function's container runs (scripts/bundle/serve.ts: functions-framework's own
// express app), with small limits so each fact below takes a second or two.
describe("a function's own server (scripts/bundle/serve.ts)", () => {
  let child: ReturnType<typeof start>;
  let port = 0;
  before(async () => {
    port = await freePort();
    child = start(process.execPath, ['--import', 'tsx', 'test/bundle-entry.ts', 'create-task'], {
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(port),
      ...smallLimitsEnv,
    });
    await waitFor(child, /"msg":"serving"/);
  });
  after(() => terminate(child));

  itBoundsSlowAndGreedyClients(() => port);
});
