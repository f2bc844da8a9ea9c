import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { clientFor, eventually, request } from '../helpers.ts';
import { daprStack } from './setup.ts';

const sql = db();

// The tick under real sidecars: cron-tick's daprd fires the committed cron binding
// (dapr/components/cron-tick.yaml), the tick claims a due reminder and publishes it through the
// sidecar to Kafka, reminder-fire asks for a notification, and notify posts it to a webhook
// receiver on this machine.

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
let receiver: Server;
let receiverUrl = '';
before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/taskfn`;
});
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

// The receiver is on loopback, which production refuses (SSRF): allowed here, as on a laptop.
const stack = daprStack(['settings', 'create-task', 'cron-tick', 'reminder-fire', 'notify'], { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });

const logs = () =>
  Object.values(stack.fns)
    .map((f) => `--- ${f.name}:\n${f.app.output.join('\n')}\n--- daprd ${f.name}:\n${f.daprd.logs.join('\n')}`)
    .join('\n');

describe('cron binding, reminders and notifications through daprd', () => {
  it('the cron binding fires cron-tick; a due reminder reaches the webhook through reminder-fire and notify', async () => {
    const settings = await clientFor(stack.fns.settings!.url);
    const saved = await settings.put('/api/me/settings', { webhook_url: receiverUrl, channels: ['webhook'] });
    assert.equal(saved.status, 200);
    const secret: string = saved.body.webhook_secret;

    const tasks = await clientFor(stack.fns['create-task']!.url, settings.user);
    const due = new Date(Date.now() + 3_600_000).toISOString();
    // Due as soon as it is written: the next tick of the binding claims it.
    const created = await tasks.post('/api/tasks', { title: 'call the plumber', due_at: due, reminders: [{ at: new Date(Date.now() + 1000).toISOString() }] });
    assert.equal(created.status, 201);

    // The binding ticks every 10 s; the chain behind it is three sidecar hops.
    const hook = await eventually(() => Promise.resolve(received.find((r) => r.body.includes(created.body.id))), { timeoutMs: 90_000, everyMs: 100 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${logs()}`);
    });
    const body = JSON.parse(hook.body);
    assert.deepEqual([body.type, body.task_id, body.title], ['reminder', created.body.id, 'Reminder: call the plumber']);
    const expected = `v1=${createHmac('sha256', secret).update(`${String(hook.headers['x-taskfn-timestamp'])}.${hook.body}`).digest('hex')}`;
    assert.equal(hook.headers['x-taskfn-signature'], expected);
    assert.equal(hook.headers['x-taskfn-notification-id'], body.id);

    const [reminder] = await sql`select status from reminders where task_id = ${created.body.id}`;
    assert.equal(reminder?.status, 'sent');
    // The tick came from the sidecar: cron-tick's own API refuses callers without the token (below).
    assert.ok(stack.fns['cron-tick']!.daprd.logs.some((l) => /cron-tick/.test(l) && /bindings\.cron/.test(l)), 'cron-tick loaded the committed cron binding');
  });

  it('cron-tick refuses a tick without the app API token', async () => {
    const url = stack.fns['cron-tick']!.url;
    assert.equal((await request(url, 'POST', '/cron-tick', { body: '{}', headers: { 'content-type': 'application/json' } })).status, 401);
    assert.equal((await request(url, 'POST', '/cron-tick', { body: '{}', headers: { 'content-type': 'application/json', 'dapr-api-token': 'guess' } })).status, 401);
    const ticked = await request(url, 'POST', '/cron-tick', { body: '{}', headers: { 'content-type': 'application/json', 'dapr-api-token': stack.tokens.app } });
    assert.equal(ticked.status, 200, 'the token daprd holds is accepted');
  });
});
