import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { retryDueNotifications } from '../../shared/notify/deliver.ts';
import { type Client, clientFor, eventually, loadHost, serve } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';
import { deliver, receiver, requested } from '../../test/notification-events.ts';

const sql = db();

const app = serve(loadHost);
const lone = loneFunctions();

const attempts = (id: string) => sql<{ attempt: number; ok: boolean; status_code: number | null }[]>`
  select attempt, ok, status_code from notification_attempts where notification_id = ${id} order by attempt`;

async function webhookUser(url: string): Promise<{ c: Client; secret: string }> {
  const c = await clientFor(app.url());
  const s = await c.put('/api/me/settings', { webhook_url: url, channels: ['webhook'] });
  return { c, secret: s.body.webhook_secret };
}

describe('notify', () => {
  it('signs every webhook request, leaves a failed first attempt to the tick, and never re-sends a delivered one', async () => {
    const hook = await receiver([500, 204]);
    const { c, secret } = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    const [row] = await sql<{ next_attempt_at: Date }[]>`select next_attempt_at from notifications where id = ${event.subject!}`;
    await retryDueNotifications(row!.next_attempt_at);
    assert.deepEqual([...(await attempts(event.subject!))].map((a) => [a.attempt, a.ok, a.status_code]), [[1, false, 500], [2, true, 204]]);
    for (const { headers, body } of hook.received) {
      const expected = `v1=${createHmac('sha256', secret).update(`${String(headers['x-taskfn-timestamp'])}.${body}`).digest('hex')}`;
      assert.equal(headers['x-taskfn-signature'], expected);
      assert.equal(headers['x-taskfn-notification-id'], event.subject);
      assert.equal(JSON.parse(body).title, 'Reminder: water the plants');
    }
    // Redelivered: already delivered, so the receiver hears nothing more.
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    assert.equal(hook.received.length, 2);
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
