import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { timeEvent } from '../../shared/events/time-events.ts';
import { type Client, clientFor, loadHost, request, serve } from '../../test/helpers.ts';

const sql = db();

const app = serve(loadHost);

const deliver = (event: unknown) =>
  request(app.url(), 'POST', '/events/reminder-fire', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } });

/** A task with one reminder, marked sent as the tick's claim leaves it, and the event the tick wrote. */
async function claimedReminder(c: Client, dueAt: string) {
  const task = (await c.post('/api/tasks', { title: 'pay rent', due_at: dueAt, reminders: [{ offset: 'PT1H' }] })).body;
  const [reminder] = await sql<{ id: string; fire_at: Date }[]>`
    update reminders set status = 'sent' where task_id = ${task.id} returning id, fire_at`;
  const event = timeEvent('com.taskfn.reminder.due', 'cron-tick', {
    user_id: c.user, reminder_id: reminder!.id, task_id: task.id, title: 'pay rent', due_at: dueAt, fire_at: reminder!.fire_at.toISOString(),
  }).event;
  return { task, reminder: reminder!, event };
}

const requests = (reminderId: string) => sql<{ channel: string; body: string; topic: string }[]>`
  select event->'data'->>'channel' as channel, event->'data'->>'body' as body, topic
  from outbox
  where type = 'com.taskfn.notification.requested'
    and event->'data'->>'reminder_id' = ${reminderId}
  order by channel`;

describe('reminder-fire', () => {
  it("requests one notification per channel of the user's settings, naming the due time in the user's zone, once per event", async () => {
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { timezone: 'America/New_York', channels: ['in_app', 'email'], email: 'ann@example.com' });
    const { reminder, event } = await claimedReminder(c, '2030-01-15T14:00:00Z');
    assert.deepEqual((await deliver(event)).body, { status: 'SUCCESS' });
    assert.deepEqual((await deliver(event)).body, { status: 'SUCCESS' }, 'a redelivery is answered SUCCESS');
    const got = await requests(reminder.id);
    assert.deepEqual(got.map((r) => [r.channel, r.topic]), [['email', 'notification-events'], ['in_app', 'notification-events']]);
    assert.equal(got[0]!.body, '"pay rent" is due Tue 15 Jan 2030, 09:00 (America/New_York).');
  });

  it('notifies nobody when the task was completed after the tick claimed its reminder', async () => {
    const c = await clientFor(app.url());
    const { task, reminder, event } = await claimedReminder(c, '2030-01-15T14:00:00Z');
    await c.post(`/api/tasks/${task.id}/complete`);
    assert.deepEqual((await deliver(event)).body, { status: 'SUCCESS' });
    assert.equal((await requests(reminder.id)).length, 0);
  });

  it('drops an event whose data does not match its schema into the dead-letter store', async () => {
    const c = await clientFor(app.url());
    const { event } = await claimedReminder(c, '2030-01-15T14:00:00Z');
    const poison = { ...event, data: { ...(event.data as object), reminder_id: 'not-a-uuid' } };
    assert.deepEqual((await deliver(poison)).body, { status: 'DROP' });
    const dead = await sql`select consumer, topic, reason from dead_letters where event_id = ${event.id}`;
    assert.deepEqual(dead.map((d) => [d.consumer, d.topic]), [['reminder-fire', 'reminder-events']]);
    assert.match(dead[0]!.reason, /reminder_id/);
  });
});
