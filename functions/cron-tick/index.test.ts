import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { db } from '../../shared/db/client.ts';
import { log } from '../../shared/observability/log.ts';
import { tick } from '../../shared/time/tick.ts';
import { type Client, clientFor, eventually, loadHost, request, serve } from '../../test/helpers.ts';
import { loneFunctions } from '../../test/lone.ts';

const sql = db();

const app = serve(loadHost);
const lone = loneFunctions();

/** A task with `n` reminders that fell due a minute ago. */
async function dueReminders(c: Client, n: number): Promise<string[]> {
  const t = (await c.post('/api/tasks', { title: 'ping me', due_at: '2030-01-01T09:00:00Z' })).body;
  // The API refuses an absolute reminder in the past, so it is set ahead and moved back here.
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const put = await c.put(`/api/tasks/${t.id}/reminders`, Array.from({ length: n }, () => ({ at })));
  const ids: string[] = put.body.items.map((r: { id: string }) => r.id);
  await sql`update reminders set at = now() - interval '60 seconds', fire_at = now() - interval '60 seconds' where id = any(${ids}::uuid[])`;
  return ids;
}

const dueEvents = async (ids: string[]) => [...await sql<{ id: string; n: number }[]>`
  select event->'data'->>'reminder_id' as id, count(*)::int as n
  from outbox
  where type = 'com.taskfn.reminder.due'
    and event->'data'->>'reminder_id' = any(${ids})
  group by 1`];

describe('cron-tick', () => {
  it('fires a due reminder into the in-app inbox through reminder-fire and notify', async () => {
    const c = await clientFor(app.url());
    const [id] = await dueReminders(c, 1);
    const res = await c.post('/cron-tick', {});
    assert.equal(res.status, 200);
    assert.ok(res.body.reminders >= 1);
    const inbox = await eventually(async () => {
      const r = await c.get('/api/notifications');
      return r.body.items.length > 0 && r.body.items;
    });
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0].reminder_id, id);
    assert.equal(inbox[0].title, 'Reminder: ping me');
    assert.match(inbox[0].body, /"ping me" is due Tue 1 Jan 2030, 09:00 \(UTC\)/);
    const [reminder] = (await c.get(`/api/tasks/${inbox[0].task_id}/reminders`)).body.items;
    assert.deepEqual([reminder.status, reminder.attempts], ['sent', 1]);
    // Claimed a minute late: the lateness histogram counts it above the 30 s bucket.
    const metrics = await (await fetch(`${app.url()}/metrics`)).text();
    const read = (series: string) => Number(metrics.split('\n').find((l) => l.startsWith(`reminder_lateness_seconds_${series} `))?.split(' ')[1]);
    assert.ok(read('count') - read('bucket{le="30"}') >= 1, 'a reminder claimed over 30 s late is counted');
    // The next tick finds nothing more to do for it.
    await tick(log);
    assert.deepEqual(await dueEvents([id!]), [{ id, n: 1 }]);
  });

  it('fires each due reminder exactly once when four ticks run at once', async () => {
    const c = await clientFor(app.url());
    const ids = [...(await dueReminders(c, 20)), ...(await dueReminders(c, 20)), ...(await dueReminders(c, 20))];
    const now = new Date();
    const results = await Promise.all([tick(log, now), tick(log, now), tick(log, now), tick(log, now)]);
    assert.ok(results.reduce((n, r) => n + r.reminders, 0) >= ids.length);
    const events = await dueEvents(ids);
    assert.equal(events.length, ids.length);
    assert.ok(events.every((e) => e.n === 1), 'no reminder fired twice');
  });

  it('leaves reminders of completed tasks, and reminders not yet due, alone', async () => {
    const c = await clientFor(app.url());
    const done = (await c.post('/api/tasks', { title: 'done already', due_at: '2030-01-01T09:00:00Z' })).body;
    const [cancelled] = (await c.put(`/api/tasks/${done.id}/reminders`, [{ at: new Date(Date.now() + 3_600_000).toISOString() }])).body.items;
    await c.post(`/api/tasks/${done.id}/complete`);
    // Its time passes after the completion cancelled it.
    await sql`update reminders set at = now() - interval '60 seconds' where id = ${cancelled.id}`;
    const later = (await c.post('/api/tasks', { title: 'later', due_at: '2030-01-01T09:00:00Z' })).body;
    const [future] = (await c.put(`/api/tasks/${later.id}/reminders`, [{ offset: 'PT1H' }])).body.items;
    await tick(log);
    assert.deepEqual(await dueEvents([cancelled.id, future.id]), []);
  });

  it("runs alone under functions-framework and refuses calls without the sidecar's app API token", async () => {
    const url = await lone('cron-tick', { APP_API_TOKEN: 'cron-token-from-a-secret' });
    const post = (headers: Record<string, string>) => request(url, 'POST', '/cron-tick', { body: '{}', headers: { 'content-type': 'application/json', ...headers } });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ 'dapr-api-token': 'wrong' })).status, 401);
    const ok = await post({ 'dapr-api-token': 'cron-token-from-a-secret' });
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.body.reminders, 'number');
  });
});
