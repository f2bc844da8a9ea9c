import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { sql } from '../../shared/db/client.ts';
import { type Client, clientFor, eventually, loadHost, serve } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';
import { deliver, requested } from '../../test/notification-events.ts';

const app = serve(loadHost);
const lone = loneFunctions();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver answering each request with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]!).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const attempts = (id: string) => sql<{ attempt: number; ok: boolean; status_code: number | null }[]>`
  select attempt, ok, status_code from notification_attempts where notification_id = ${id} order by attempt`;

async function webhookUser(url: string): Promise<{ c: Client; secret: string }> {
  const c = await clientFor(app.url());
  const s = await c.put('/api/me/settings', { webhook_url: url, channels: ['webhook'] });
  return { c, secret: s.body.webhook_secret };
}

describe('notify', () => {
  it('retries a webhook that fails twice, delivers it once, records 3 attempts, and signs every request', async () => {
    const hook = await receiver([500, 503, 204]);
    const { c, secret } = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    const res = await deliver(app.url(), event);
    assert.deepEqual(res.body, { status: 'SUCCESS' });
    assert.equal(hook.received.length, 3);
    assert.deepEqual([...(await attempts(event.subject!))].map((a) => [a.attempt, a.ok, a.status_code]), [[1, false, 500], [2, false, 503], [3, true, 204]]);
    for (const { headers, body } of hook.received) {
      const expected = `v1=${createHmac('sha256', secret).update(`${String(headers['x-taskfn-timestamp'])}.${body}`).digest('hex')}`;
      assert.equal(headers['x-taskfn-signature'], expected);
      assert.equal(headers['x-taskfn-notification-id'], event.subject);
      assert.equal(JSON.parse(body).title, 'Reminder: water the plants');
    }
    // Redelivered: already delivered, so the receiver hears nothing more.
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    assert.equal(hook.received.length, 3);
  });

  it('gives up on a receiver that always fails: every attempt recorded, notification and reminder failed, event dead-lettered', async () => {
    const hook = await receiver([500]);
    const { c } = await webhookUser(hook.url);
    const task = (await c.post('/api/tasks', { title: 'doomed', due_at: '2030-01-01T09:00:00Z' })).body;
    const [reminder] = (await c.put(`/api/tasks/${task.id}/reminders`, [{ offset: 'PT5M' }])).body.items;
    const event = requested(c.user, 'webhook', { reminder_id: reminder.id });
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'DROP' });
    assert.equal(hook.received.length, 5);
    assert.equal((await attempts(event.subject!)).length, 5);
    const [n] = await sql`select status from notifications where id = ${event.subject!}`;
    assert.equal(n!.status, 'failed');
    assert.equal((await c.get(`/api/tasks/${task.id}/reminders`)).body.items[0].status, 'failed');
    const dead = await sql`select consumer, topic from dead_letters where event_id = ${event.id}`;
    assert.deepEqual([...dead], [{ consumer: 'notify', topic: 'notification-events' }]);
  });

  it('drops a request whose data does not match its schema into the dead-letter store', async () => {
    const event = { ...requested('someone', 'in_app'), data: { channel: 'pigeon' } };
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'DROP' });
    assert.equal((await sql`select 1 from dead_letters where event_id = ${event.id}`).length, 1);
  });

  it('sends email through the Dapr output binding with emailTo and subject metadata (contract)', async () => {
    const calls: { path: string; body: unknown; token: unknown }[] = [];
    const dapr = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        calls.push({ path: req.url!, body: JSON.parse(body), token: req.headers['dapr-api-token'] });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => dapr.listen(0, '127.0.0.1', resolve));
    after(() => dapr.close());
    const url = await lone('notify', {
      EMAIL_TRANSPORT: 'dapr', DAPR_HTTP_ENDPOINT: `http://127.0.0.1:${(dapr.address() as AddressInfo).port}`,
      DAPR_EMAIL_BINDING: 'email', DAPR_API_TOKEN: 'sidecar-token-from-a-secret',
    });
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { email: 'me@example.com', channels: ['email'] });
    assert.deepEqual((await deliver(url, requested(c.user, 'email'))).body, { status: 'SUCCESS' });
    assert.deepEqual(calls, [{
      path: '/v1.0/bindings/email',
      body: { operation: 'create', data: '"water the plants" is due now.', metadata: { emailTo: 'me@example.com', subject: 'Reminder: water the plants' } },
      token: 'sidecar-token-from-a-secret',
    }]);
  });

  it('refuses webhooks to private addresses when told to (production default), without retrying', async () => {
    const hook = await receiver([204]);
    const url = await lone('notify', { WEBHOOK_ALLOW_PRIVATE: 'false' });
    const { c } = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    assert.deepEqual((await deliver(url, event)).body, { status: 'DROP' });
    assert.equal(hook.received.length, 0);
    const rows = await eventually(async () => {
      const r = await sql`select error from notification_attempts where notification_id = ${event.subject!}`;
      return r.length > 0 && r;
    });
    assert.equal(rows.length, 1);
    assert.match(String(rows[0]!.error), /non-public address/);
  });
});
