import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { claimDueReminders } from '../../shared/db/due-reminders.ts';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

async function taskDue(c: Client, due_at: string | null, title = 'with reminders') {
  return (await c.post('/api/tasks', { title, due_at })).body as { id: string; version: number };
}

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** The ids a tick at this moment claims, as cron-tick would. */
const claimedNow = async () => (await claimDueReminders(new Date(), 1000)).map((r) => r.id);

describe('/api/tasks/{id}/reminders', () => {
  it('stores offsets and absolute times, answering the list soonest first with fire times', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-01-10T09:00:00Z');
    const put = await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT30M' }, { at: '2030-01-01T12:00:00+01:00' }, { offset: 'P1DT2H' }]);
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.items.map((r: { fire_at: string }) => r.fire_at), ['2030-01-01T11:00:00.000Z', '2030-01-09T07:00:00.000Z', '2030-01-10T08:30:00.000Z']);
    assert.ok(put.body.items.every((r: { status: string; attempts: number }) => r.status === 'scheduled' && r.attempts === 0));
    assert.deepEqual((await c.get(`/api/tasks/${t.id}/reminders`)).body, put.body);
    const replaced = await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT5M' }]);
    assert.deepEqual(replaced.body.items.map((r: { offset: string }) => r.offset), ['PT5M']);
  });

  it("counts days in the user's time zone: P1D before 09:00 Berlin is 09:00 the day before, across both DST changes", async () => {
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { timezone: 'Europe/Berlin' });
    const fires = async (due: string) => {
      const t = await taskDue(c, due);
      const put = await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'P1D' }, { offset: 'PT24H' }]);
      return Object.fromEntries(put.body.items.map((r: { offset: string; fire_at: string }) => [r.offset, r.fire_at]));
    };
    // Sunday 2030-03-31 springs forward: the day before 09:00 CEST is 09:00 CET, 23 hours earlier.
    assert.deepEqual(await fires('2030-03-31T09:00:00+02:00'), { P1D: '2030-03-30T08:00:00.000Z', PT24H: '2030-03-30T07:00:00.000Z' });
    // Sunday 2030-10-27 falls back: the day before 09:00 CET is 09:00 CEST, 25 hours earlier.
    assert.deepEqual(await fires('2030-10-27T09:00:00+01:00'), { P1D: '2030-10-26T07:00:00.000Z', PT24H: '2030-10-26T08:00:00.000Z' });
  });

  it('moves offset reminders with the due time, leaves absolute ones, and parks offsets when the due time is cleared', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-05-01T10:00:00Z');
    await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT1H' }, { at: '2030-04-01T00:00:00Z' }]);
    await c.patch(`/api/tasks/${t.id}`, { due_at: '2030-05-02T10:00:00Z' });
    const moved = (await c.get(`/api/tasks/${t.id}/reminders`)).body.items;
    assert.deepEqual(moved.map((r: { fire_at: string }) => r.fire_at), ['2030-04-01T00:00:00.000Z', '2030-05-02T09:00:00.000Z']);
    await c.patch(`/api/tasks/${t.id}`, { due_at: null });
    const parked = (await c.get(`/api/tasks/${t.id}/reminders`)).body.items;
    assert.deepEqual(parked.map((r: { fire_at: string | null }) => r.fire_at), ['2030-04-01T00:00:00.000Z', null]);
  });

  it('cancels pending reminders when the task is completed, restores them when it is reopened, and drops them with the task', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-06-01T10:00:00Z');
    await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT10M' }]);
    await c.post(`/api/tasks/${t.id}/complete`);
    assert.equal((await c.get(`/api/tasks/${t.id}/reminders`)).body.items[0].status, 'cancelled');
    await c.post(`/api/tasks/${t.id}/uncomplete`);
    assert.equal((await c.get(`/api/tasks/${t.id}/reminders`)).body.items[0].status, 'scheduled');
    await c.delete(`/api/tasks/${t.id}`);
    assert.equal((await c.get(`/api/tasks/${t.id}/reminders`)).status, 404);
  });

  it('deletes one reminder (204), then answers 404 for it', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-06-01T10:00:00Z');
    const [r] = (await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT10M' }])).body.items;
    assert.equal((await c.delete(`/api/tasks/${t.id}/reminders/${r.id}`)).status, 204);
    assert.equal((await c.delete(`/api/tasks/${t.id}/reminders/${r.id}`)).status, 404);
    assert.deepEqual((await c.get(`/api/tasks/${t.id}/reminders`)).body.items, []);
  });

  it('refuses bad input naming the field, and keeps the reminders it had', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-06-01T10:00:00Z');
    const undated = await taskDue(c, null);
    await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT10M' }]);
    const cases: [string, unknown, string][] = [
      [t.id, [{ offset: '30 minutes' }], '0.offset'],
      [t.id, [{ offset: 'P1Y' }], '0.offset'],
      [t.id, [{ offset: 'P400D' }], '0.offset'],
      [t.id, [{ offset: '-PT5M' }], '0.offset'],
      [t.id, [{ at: '2030-06-01 10:00' }], '0.at'],
      [t.id, [{ offset: 'PT5M', at: '2030-06-01T10:00:00Z' }], '0'],
      [t.id, [{}], '0'],
      [t.id, [{ offset: 'PT5M', when: 'now' }], '0.when'],
      [t.id, Array.from({ length: 21 }, () => ({ offset: 'PT1M' })), '(root)'],
      [t.id, { offset: 'PT5M' }, '(root)'],
      [undated.id, [{ offset: 'PT5M' }], '0.offset'],
    ];
    for (const [id, body, path] of cases) {
      const res = await c.put(`/api/tasks/${id}/reminders`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.details[0].path, path, JSON.stringify(body));
    }
    assert.deepEqual((await c.get(`/api/tasks/${t.id}/reminders`)).body.items.map((r: { offset: string }) => r.offset), ['PT10M']);
    assert.equal((await c.put(`/api/tasks/not-a-uuid/reminders`, [])).status, 400);
    assert.equal((await c.delete(`/api/tasks/${t.id}/reminders/nope`)).status, 400);
    assert.equal((await c.put(`/api/tasks/${randomUUID()}/reminders`, [])).status, 404);
  });

  it('answers 400 naming the field for an absolute reminder in the past, on PUT and at task creation, and stores nothing', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, '2030-06-01T10:00:00Z');
    await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT10M' }]);
    const put = await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT5M' }, { at: minutesFromNow(-1) }]);
    assert.deepEqual([put.status, put.body.error.details[0].path], [400, '1.at']);
    assert.deepEqual((await c.get(`/api/tasks/${t.id}/reminders`)).body.items.map((r: { offset: string }) => r.offset), ['PT10M']);
    const created = await c.post('/api/tasks', { title: 'too late', due_at: '2030-06-01T10:00:00Z', reminders: [{ at: '2020-01-01T00:00:00Z' }] });
    assert.deepEqual([created.status, created.body.error.details[0].path], [400, 'reminders.0.at']);
    assert.equal((await c.get('/api/tasks?q=late')).body.items.length, 0);
  });

  it('says an offset reminder whose time has already passed will not fire, and the tick leaves it', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, minutesFromNow(10));
    const put = await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT30M' }, { offset: 'PT5M' }]);
    assert.equal(put.status, 200);
    const [passed, ahead] = put.body.items;
    assert.deepEqual([passed.offset, passed.will_fire, ahead.offset, ahead.will_fire, ahead.note], ['PT30M', false, 'PT5M', true, null]);
    assert.match(passed.note, /will not fire/);
    assert.ok(!(await claimedNow()).includes(passed.id), 'a reminder answered will_fire: false was fired');
    assert.deepEqual((await c.get(`/api/tasks/${t.id}/reminders`)).body, put.body);
  });

  it('arms a passed offset reminder again when the due time moves so its time is ahead, and disarms one whose time the move put behind', async () => {
    const c = await clientFor(app.url());
    const t = await taskDue(c, minutesFromNow(10));
    await c.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT30M' }]);
    await c.patch(`/api/tasks/${t.id}`, { due_at: minutesFromNow(120) });
    const [later] = (await c.get(`/api/tasks/${t.id}/reminders`)).body.items;
    assert.deepEqual([later.status, later.will_fire, later.note], ['scheduled', true, null]);
    await c.patch(`/api/tasks/${t.id}`, { due_at: minutesFromNow(20) });
    const [sooner] = (await c.get(`/api/tasks/${t.id}/reminders`)).body.items;
    assert.equal(sooner.will_fire, false);
    assert.ok(!(await claimedNow()).includes(sooner.id), 'a reminder whose time a move put behind was fired');
  });

  it("answers 404 to another user on every reminder route, and changes nothing", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    const t = await taskDue(alice, '2030-06-01T10:00:00Z');
    const [r] = (await alice.put(`/api/tasks/${t.id}/reminders`, [{ offset: 'PT10M' }])).body.items;
    assert.equal((await bob.get(`/api/tasks/${t.id}/reminders`)).status, 404);
    assert.equal((await bob.put(`/api/tasks/${t.id}/reminders`, [])).status, 404);
    assert.equal((await bob.delete(`/api/tasks/${t.id}/reminders/${r.id}`)).status, 404);
    assert.equal((await alice.get(`/api/tasks/${t.id}/reminders`)).body.items.length, 1);
  });
});
