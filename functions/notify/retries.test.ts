import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDueNotifications } from '../../shared/notify/deliver.ts';
import { log } from '../../shared/observability/log.ts';
import { tick } from '../../shared/time/tick.ts';
import { MAX_RETRY_AFTER_MS, RETRY_SCHEDULE_MS } from '../../shared/notify/schedule.ts';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';
import { deliver, receiver, requested } from '../../test/notification-events.ts';

// Retries are the tick's, over hours: the tests move the clock by passing `now` to the sweep, and
// the schedule they run is the production one.
const app = serve(loadHost);

const minute = 60_000;
const hour = 60 * minute;

async function webhookUser(url: string): Promise<Client> {
  const c = await clientFor(app.url());
  await c.put('/api/me/settings', { webhook_url: url, channels: ['webhook'] });
  return c;
}

/** The notification as its owner sees it through the API. */
const status = async (c: Client, id: string) => (await c.get(`/api/notifications/${id}`)).body;

/** Runs the tick's retry sweep at the notification's next attempt time; returns that time. */
async function sweepWhenDue(c: Client, id: string): Promise<Date> {
  const next = (await status(c, id)).delivery.next_attempt_at;
  assert.ok(next, 'a next attempt is scheduled');
  const now = new Date(next);
  await retryDueNotifications(now);
  return now;
}

describe('notification retries', () => {
  it('follows Svix\'s schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    assert.deepEqual(RETRY_SCHEDULE_MS, [0, 5_000, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour]);
  });

  it('delivers to a receiver down for hours once it is back, every attempt visible through the API', async () => {
    const hook = await receiver([503]);
    const c = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    const id = event.subject!;
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    const first = await status(c, id);
    assert.equal(first.status, 'pending');
    assert.equal(Date.parse(first.delivery.next_attempt_at) - Date.parse(first.delivery.attempts[0].at) >= 4_000, true, 'the second attempt waits about 5 s');
    // Attempts 2 to 5 fail (5 s, 5 min, 30 min and 2 h later: 2 h 35 min in all); the receiver is
    // back for the sixth, 5 h after the fifth.
    const times: number[] = [];
    for (let i = 2; i <= 5; i++) times.push((await sweepWhenDue(c, id)).getTime());
    hook.answers.splice(0, hook.answers.length, ...Array<number>(5).fill(503), 204);
    const sixth = await sweepWhenDue(c, id);
    assert.deepEqual([...times.slice(1), sixth.getTime()].map((t, i) => t - times[i]!), RETRY_SCHEDULE_MS.slice(2, 6));
    assert.equal(hook.received.length, 6);
    const done = await status(c, id);
    assert.equal(done.status, 'delivered');
    assert.equal(done.delivery.next_attempt_at, null);
    assert.deepEqual(done.delivery.attempts.map((a: { attempt: number; ok: boolean; status_code: number }) => [a.attempt, a.ok, a.status_code]),
      [[1, false, 503], [2, false, 503], [3, false, 503], [4, false, 503], [5, false, 503], [6, true, 204]]);
    for (const a of done.delivery.attempts) assert.equal(typeof a.duration_ms, 'number');
    // The list of webhook notifications shows the same.
    const listed = (await c.get('/api/notifications?channel=webhook')).body.items;
    assert.deepEqual([listed.length, listed[0].id, listed[0].delivery.attempts.length], [1, id, 6]);
    // A later sweep, or the event redelivered, sends nothing more.
    await retryDueNotifications(new Date(sixth.getTime() + 30 * hour));
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    assert.equal(hook.received.length, 6);
  });

  it('gives up after the whole schedule: eight attempts over 27 h, the notification and its reminder failed', async () => {
    const hook = await receiver([500]);
    const c = await webhookUser(hook.url);
    const task = (await c.post('/api/tasks', { title: 'doomed', due_at: '2030-01-01T09:00:00Z' })).body;
    const [reminder] = (await c.put(`/api/tasks/${task.id}/reminders`, [{ offset: 'PT5M' }])).body.items;
    const event = requested(c.user, 'webhook', { reminder_id: reminder.id });
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'SUCCESS' });
    for (let i = 2; i <= RETRY_SCHEDULE_MS.length; i++) await sweepWhenDue(c, event.subject!);
    const failed = await status(c, event.subject!);
    assert.deepEqual([failed.status, failed.delivery.attempts.length, failed.delivery.next_attempt_at], ['failed', 8, null]);
    assert.deepEqual(failed.delivery.attempts.map((a: { attempt: number }) => a.attempt), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(hook.received.length, 8);
    assert.equal((await c.get(`/api/tasks/${task.id}/reminders`)).body.items[0].status, 'failed');
  });

  it('stops at once on 410 Gone', async () => {
    const hook = await receiver([410]);
    const c = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    assert.deepEqual((await deliver(app.url(), event)).body, { status: 'DROP' });
    await retryDueNotifications(new Date(Date.now() + 30 * hour));
    const gone = await status(c, event.subject!);
    assert.deepEqual([gone.status, gone.delivery.attempts.length, gone.delivery.next_attempt_at, gone.delivery.last_error], ['failed', 1, null, 'HTTP 410']);
    assert.equal(hook.received.length, 1);
  });

  it('waits as long as a 429\'s Retry-After asks when that is longer than the schedule, up to the longest wait of the schedule', async () => {
    const hook = await receiver([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 429, headers: { 'retry-after': String(365 * 24 * 3600) } }, 204]);
    const c = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    await deliver(app.url(), event);
    const first = await status(c, event.subject!);
    const waited = Date.parse(first.delivery.next_attempt_at) - Date.parse(first.delivery.attempts[0].at);
    assert.ok(waited > 59 * minute && waited < 61 * minute, `an hour, not 5 s (${waited} ms)`);
    const second = await sweepWhenDue(c, event.subject!);
    const next = Date.parse((await status(c, event.subject!)).delivery.next_attempt_at);
    assert.equal(next - second.getTime(), MAX_RETRY_AFTER_MS, 'a year is cut to 10 h');
    await sweepWhenDue(c, event.subject!);
    assert.equal((await status(c, event.subject!)).status, 'delivered');
  });

  it('makes at most the batch size of retries in one sweep; the rest wait for the next', async () => {
    const hook = await receiver([500]);
    const c = await webhookUser(hook.url);
    const events = [requested(c.user, 'webhook'), requested(c.user, 'webhook'), requested(c.user, 'webhook')];
    for (const e of events) await deliver(app.url(), e);
    const now = new Date(Date.now() + minute);
    // Other tests' notifications may be due too: the counts bound, and the three are all retried in the end.
    assert.equal(await retryDueNotifications(now, 2), 2);
    while ((await retryDueNotifications(now, 2)) > 0);
    for (const e of events) assert.equal((await status(c, e.subject!)).delivery.attempts.length, 2);
  });

  it('is retried by the cron tick once due', async () => {
    const hook = await receiver([500, 204]);
    const c = await webhookUser(hook.url);
    const event = requested(c.user, 'webhook');
    await deliver(app.url(), event);
    const result = await tick(log, new Date((await status(c, event.subject!)).delivery.next_attempt_at));
    assert.ok(result.notifications >= 1);
    assert.equal((await status(c, event.subject!)).status, 'delivered');
  });

  it('answers 404 for another user\'s notification and 400 for a bad id', async () => {
    const c = await webhookUser('http://127.0.0.1:9/hook');
    const event = requested(c.user, 'in_app');
    await deliver(app.url(), event);
    assert.equal((await status(c, event.subject!)).status, 'delivered');
    const bob = await clientFor(app.url());
    assert.equal((await bob.get(`/api/notifications/${event.subject!}`)).status, 404);
    const bad = await c.get('/api/notifications/not-a-uuid');
    assert.equal(bad.status, 400);
    assert.equal((await c.get('/api/notifications?channel=pigeon')).body.error.details[0].path, 'channel');
  });
});
