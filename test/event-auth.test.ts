import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../shared/config.ts';
import { db } from '../shared/db/client.ts';
import { taskEvent } from '../shared/events/task-events.ts';
import { request } from './helpers.ts';
import { freePort } from './free-port.ts';
import { requested } from './notification-events.ts';
import { exited, start, terminate, waitFor } from './processes.ts';

const sql = db();

// Before the app API token was required, in production POST /events/notify with a forged notification for another
// user answered 200 and the victim saw it; a forged task.deleted entered the victim's activity log;
// /cron-tick and /relay-outbox answered anyone. Every test here runs the code in production mode,
// in processes of their own (modules read the configuration when they load).

const appToken = randomBytes(24).toString('base64url');
const production = { NODE_ENV: 'production', AUTH_MODE: 'jwt', LOG_LEVEL: 'warn' } as const;
const children: ReturnType<typeof start>[] = [];
after(async () => {
  await Promise.all(children.map((child) => terminate(child)));
  await sql.end();
});

/**
 * `functions-framework --target=<name>` in production mode, as in its Knative Service. It prints no
 * URL in production, so readiness is /healthz answering; resolves 'exited' if it ends first.
 */
async function lone(target: string, env: NodeJS.ProcessEnv): Promise<{ url: string; outcome: 'serving' | 'exited'; child: ReturnType<typeof start> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = start(process.execPath, ['--import', 'tsx', 'node_modules/.bin/functions-framework', `--target=${target}`, `--port=${port}`], { ...process.env, ...env });
  children.push(child);
  const gone = exited(child).then(() => 'exited' as const);
  for (;;) {
    const ready = fetch(`${url}/healthz`).then((r) => (r.ok ? ('serving' as const) : undefined), () => undefined);
    const outcome = await Promise.race([gone, ready]);
    if (outcome) return { url, outcome, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const now = new Date().toISOString();
/** A task.deleted for `user` as an attacker would forge it. */
const forgedDeletion = (user: string) =>
  taskEvent('com.taskfn.task.deleted', 'attacker', {
    user_id: user,
    task: { id: randomUUID(), title: 'forged', description: '', priority: 'low', due_at: null, tags: [], completed: false, completed_at: null, overdue: false, created_at: now, updated_at: now, version: 1, recurring_task_id: null },
  }).event;

const structured = (event: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(event),
  headers: { 'content-type': 'application/cloudevents+json', ...headers },
});

/** As a KafkaSource posts to the root of its sink: binary mode, attributes in ce- headers. */
function binary(event: Record<string, unknown>, headers: Record<string, string> = {}) {
  const ce: Record<string, string> = {};
  for (const [k, v] of Object.entries(event)) if (k !== 'data' && k !== 'datacontenttype' && typeof v === 'string') ce[`ce-${k}`] = v;
  return { body: JSON.stringify(event.data), headers: { 'content-type': 'application/json', ...ce, ...headers } };
}

const activityOf = async (user: string) => (await sql`select id from activity_log where user_id = ${user}`).length;
const notificationsOf = async (user: string) => (await sql`select id from notifications where user_id = ${user}`).length;

describe('production configuration', () => {
  it('is refused without APP_API_TOKEN, in one line naming it', () => {
    const env = { ...production, JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/taskfn' };
    assert.throws(() => loadConfig(env), /^ConfigError: APP_API_TOKEN: is required when NODE_ENV=production/);
    assert.equal(loadConfig({ ...env, APP_API_TOKEN: appToken }).APP_API_TOKEN, appToken);
  });

  it('is refused with a half-configured OIDC sender identity, naming EVENT_OIDC_ISSUER', () => {
    const env = { ...production, APP_API_TOKEN: appToken, EVENT_OIDC_ISSUER: 'https://kubernetes.default.svc.cluster.local' };
    assert.throws(() => loadConfig(env), /^ConfigError: EVENT_OIDC_ISSUER: needs EVENT_OIDC_JWKS_URL/);
  });

  it('stops an event function from starting at all, rather than serving forged events', async () => {
    const { outcome, child } = await lone('notify', { ...production, APP_API_TOKEN: '' });
    assert.equal(outcome, 'exited', child.output.join('\n'));
    assert.match(child.output.join('\n'), /taskfn: invalid configuration: APP_API_TOKEN: is required when NODE_ENV=production/);
  });
});

describe('the local host in production mode', () => {
  let host: ReturnType<typeof start>;
  let url: string;

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    host = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      ...process.env,
      ...production,
      LOG_LEVEL: 'info',
      APP_API_TOKEN: appToken,
      PORT: String(port),
    });
    await waitFor(host, /taskfn is up/);
  });
  after(async () => {
    if (host) await terminate(host);
  });

  const calls = [
    ['/events/notify', (user: string) => structured(requested(user, 'in_app'))],
    ['/events/log-activity', (user: string) => structured(forgedDeletion(user))],
    ['/cron-tick', () => ({ body: '{}', headers: { 'content-type': 'application/json' } })],
    ['/relay-outbox', () => ({ body: '{}', headers: { 'content-type': 'application/json' } })],
  ] as const;

  for (const [path, call] of calls) {
    it(`answers 401 on ${path} without the app API token or with a wrong one`, async () => {
      const attempts: Record<string, string>[] = [{}, { 'dapr-api-token': 'guessed' }, { authorization: `Bearer ${appToken}` }];
      for (const headers of attempts) {
        const init = call('victim');
        const res = await request(url, 'POST', path, { ...init, headers: { ...init.headers, ...headers } });
        assert.equal(res.status, 401, JSON.stringify(headers));
        assert.equal(res.body.error.code, 'unauthorized');
      }
    });
  }

  it('writes nothing for forged events: no notification and no activity for the victim', async () => {
    const victim = `victim-${randomUUID()}`;
    assert.equal((await request(url, 'POST', '/events/notify', structured(requested(victim, 'in_app')))).status, 401);
    assert.equal((await request(url, 'POST', '/events/log-activity', structured(forgedDeletion(victim)))).status, 401);
    assert.deepEqual([await notificationsOf(victim), await activityOf(victim)], [0, 0]);
  });

  it('takes each call with the app API token', async () => {
    const user = `user-${randomUUID()}`;
    const withToken = (init: { body: string; headers: Record<string, string> }) => ({ ...init, headers: { ...init.headers, 'dapr-api-token': appToken } });
    for (const [path, call] of calls) {
      const res = await request(url, 'POST', path, withToken(call(user)));
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual([await notificationsOf(user), await activityOf(user)], [1, 1]);
  });
});

describe('a function pushed to by Knative Eventing, in production mode with OIDC sender identity', () => {
  const issuer = 'https://kubernetes.default.svc.cluster.local';
  const audience = 'taskfn/taskfn/log-activity';
  const keysFetchedWith: IncomingHttpHeaders[] = [];
  let sign: (claims: { iss?: string; aud?: string; sub?: string; exp?: string }) => Promise<string>;
  let url: string;
  let dir: string;
  const jwks = createServer();

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'api-server', alg: 'RS256', use: 'sig' };
    jwks.on('request', (req, res) => {
      keysFetchedWith.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    sign = ({ iss = issuer, aud = audience, sub = 'system:serviceaccount:taskfn:log-activity-oidc-sources.knative.dev-kafkasource', exp = '10m' }) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'api-server' }).setIssuer(iss).setAudience(aud).setSubject(sub).setIssuedAt().setExpirationTime(exp).sign(privateKey);
    dir = await mkdtemp(path.join(tmpdir(), 'taskfn-oidc-'));
    const tokenFile = path.join(dir, 'token');
    await writeFile(tokenFile, 'projected-token-of-the-function\n');
    const pushed = await lone('log-activity', {
      ...production,
      APP_API_TOKEN: appToken,
      EVENT_OIDC_ISSUER: issuer,
      EVENT_OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/openid/v1/jwks`,
      EVENT_OIDC_AUDIENCE: audience,
      EVENT_OIDC_NAMESPACE: 'taskfn',
      EVENT_OIDC_JWKS_TOKEN_FILE: tokenFile,
    });
    assert.equal(pushed.outcome, 'serving', pushed.child.output.join('\n'));
    url = pushed.url;
  });
  after(async () => {
    jwks.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 on the root path to a call without a token, or with a token not meant for it, and writes nothing', async () => {
    const victim = `victim-${randomUUID()}`;
    const cases: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['a wrong app API token', { 'dapr-api-token': 'guessed' }],
      ['another audience', { authorization: `Bearer ${await sign({ aud: 'taskfn/taskfn/notify' })}` }],
      ['another issuer', { authorization: `Bearer ${await sign({ iss: 'https://evil.example' })}` }],
      ['a service account of another namespace', { authorization: `Bearer ${await sign({ sub: 'system:serviceaccount:attacker:default' })}` }],
      ['an expired token', { authorization: `Bearer ${await sign({ exp: '-1m' })}` }],
      ['a token of another key', { authorization: `Bearer ${(await sign({})).replace(/\.[\w-]+$/, '.c2lnbmVk')}` }],
    ];
    for (const [what, headers] of cases) {
      const res = await request(url, 'POST', '/', binary(forgedDeletion(victim), headers));
      assert.equal(res.status, 401, what);
    }
    assert.equal(await activityOf(victim), 0);
  });

  it("takes an event carrying the source's OIDC token, having fetched the keys with the function's own token", async () => {
    const user = `user-${randomUUID()}`;
    const res = await request(url, 'POST', '/', binary(forgedDeletion(user), { authorization: `Bearer ${await sign({})}` }));
    assert.deepEqual([res.status, res.body], [200, { status: 'SUCCESS' }]);
    assert.equal(await activityOf(user), 1);
    assert.ok(keysFetchedWith.length > 0);
    assert.ok(keysFetchedWith.every((h) => h.authorization === 'Bearer projected-token-of-the-function'));
  });

  it('still takes the app API token, as an operator calling by hand would send it', async () => {
    const user = `user-${randomUUID()}`;
    const res = await request(url, 'POST', '/', binary(forgedDeletion(user), { 'dapr-api-token': appToken }));
    assert.equal(res.status, 200);
    assert.equal(await activityOf(user), 1);
  });
});
