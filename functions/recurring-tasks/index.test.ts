import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { generateDueInstances } from '../../shared/db/recurring-instances.ts';
import { log, type Logger } from '../../shared/observability/log.ts';
import { tick } from '../../shared/time/tick.ts';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

// This file's database is its own (test/file-database.ts), so the ticks here, driven by a clock
// the test sets, see only the templates made here.
const app = serve(loadHost);

const minutes = (iso: string, n: number) => new Date(Date.parse(iso) + n * 60_000);

async function seriesTasks(c: Client, templateId: string): Promise<string[]> {
  const all = (await c.get('/api/tasks?status=all&sort=due_at&limit=200')).body.items as { due_at: string; recurring_task_id: string }[];
  return all.filter((t) => t.recurring_task_id === templateId).map((t) => t.due_at);
}

describe('/api/recurring-tasks', () => {
  it('schedule: catches up exactly the 3 occurrences missed in 15 minutes of a 5-minute rule, once', async () => {
    const c = await clientFor(app.url());
    const t0 = '2030-01-07T09:00:00.000Z';
    const made = await c.post('/api/recurring-tasks', {
      title: 'stand-up', recurrence: { freq: 'cron', cron: '*/5 * * * *', mode: 'schedule', timezone: 'UTC' }, starts_at: t0,
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.next_at, '2030-01-07T09:00:00+00:00');
    // The first test of the file: its ticks see this template only.
    assert.equal((await tick(log, new Date(t0))).generated, 1);
    // No tick for 15 minutes, then one.
    assert.equal((await tick(log, minutes(t0, 15.5))).generated, 3);
    assert.equal((await tick(log, minutes(t0, 15.5))).generated, 0);
    assert.deepEqual(await seriesTasks(c, made.body.id), [
      '2030-01-07T09:00:00.000Z', '2030-01-07T09:05:00.000Z', '2030-01-07T09:10:00.000Z', '2030-01-07T09:15:00.000Z',
    ]);
    const after = (await c.get(`/api/recurring-tasks/${made.body.id}`)).body;
    assert.deepEqual([after.generated, after.next_at], [4, '2030-01-07T09:20:00+00:00']);
  });

  it('schedule: catch_up latest makes only the newest missed occurrence, skip only what is not yet a minute late', async () => {
    const c = await clientFor(app.url());
    const t0 = '2030-02-04T08:00:00.000Z';
    const rule = { freq: 'cron', cron: '*/10 * * * *', mode: 'schedule', timezone: 'UTC' };
    const latest = (await c.post('/api/recurring-tasks', { title: 'latest', recurrence: rule, starts_at: t0, catch_up: 'latest' })).body;
    const skip = (await c.post('/api/recurring-tasks', { title: 'skip', recurrence: rule, starts_at: t0, catch_up: 'skip' })).body;
    await tick(log, minutes(t0, 60.5));
    assert.deepEqual(await seriesTasks(c, latest.id), ['2030-02-04T09:00:00.000Z']);
    assert.deepEqual(await seriesTasks(c, skip.id), ['2030-02-04T09:00:00.000Z']);
    await tick(log, minutes(t0, 125));
    assert.deepEqual(await seriesTasks(c, latest.id), ['2030-02-04T09:00:00.000Z', '2030-02-04T10:00:00.000Z']);
    // 10:00 is five minutes late by now: skip lets it go.
    assert.deepEqual(await seriesTasks(c, skip.id), ['2030-02-04T09:00:00.000Z']);
  });

  it('schedule: catch_up all is bounded by CATCH_UP_MAX (100), and the series goes on from now', async () => {
    const c = await clientFor(app.url());
    const t0 = '2030-03-04T00:00:00.000Z';
    const made = (await c.post('/api/recurring-tasks', {
      title: 'every minute', recurrence: { freq: 'cron', cron: '* * * * *', mode: 'schedule', timezone: 'UTC' }, starts_at: t0,
    })).body;
    await tick(log, minutes(t0, 180));
    assert.equal((await seriesTasks(c, made.id)).length, 100);
    const after = (await c.get(`/api/recurring-tasks/${made.id}`)).body;
    assert.equal(after.next_at, '2030-03-04T03:01:00+00:00');
  });

  it('schedule: catch_up latest 80 days behind a minute-by-minute rule makes the real latest occurrence without holding the event loop', async () => {
    // As reported: ten such templates blocked the next tick for 28 s and made
    // the occurrence 100,000 steps in, not the latest.
    const c = await clientFor(app.url());
    const startsAt = new Date(Date.now() - 80 * 86_400_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const made = await c.post('/api/recurring-tasks', {
        title: 'x', recurrence: { freq: 'cron', cron: '* * * * *', mode: 'schedule', timezone: 'UTC' }, starts_at: startsAt, catch_up: 'latest',
      });
      assert.equal(made.status, 201);
      ids.push(made.body.id);
    }
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const now = new Date();
    await tick(log, now);
    delay.disable();
    assert.ok(delay.max / 1e6 < 1000, `the event loop was held ${(delay.max / 1e6).toFixed(0)} ms at once`);
    for (const id of ids) {
      const [due] = await seriesTasks(c, id);
      assert.equal(due, new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString());
    }
  });

  it('a tick handles at most its bound of due templates, says so in the log, and the next tick takes the rest', async () => {
    const c = await clientFor(app.url());
    // Before every other template of the file is due.
    const t0 = '2025-01-06T10:00:00.000Z';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await c.post('/api/recurring-tasks', { title: `bounded ${i}`, recurrence: { freq: 'daily', mode: 'schedule', timezone: 'UTC' }, starts_at: t0 })).body.id);
    }
    const lines: string[] = [];
    const captured: Logger = pino(new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const at = minutes(t0, 1);
    assert.equal(await generateDueInstances(at, captured, { maxTemplates: 3 }), 3);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.bound === 'TICK_MAX_TEMPLATES');
    assert.deepEqual([warning?.handled, warning?.carried], [3, 2]);
    assert.equal(await generateDueInstances(at, captured, { maxTemplates: 3 }), 2);
    for (const id of ids) assert.deepEqual(await seriesTasks(c, id), ['2025-01-06T10:00:00.000Z']);
  });

  it('schedule: every day at 09:00 Berlin stays 09:00 local across the DST change', async () => {
    const c = await clientFor(app.url());
    const made = (await c.post('/api/recurring-tasks', {
      title: 'water plants', recurrence: { freq: 'daily', mode: 'schedule', timezone: 'Europe/Berlin' }, starts_at: '2030-03-29T09:00:00+01:00',
    })).body;
    for (const day of ['2030-03-29', '2030-03-30', '2030-03-31', '2030-04-01']) await tick(log, new Date(`${day}T12:00:00Z`));
    assert.deepEqual(await seriesTasks(c, made.id), ['2030-03-29T08:00:00.000Z', '2030-03-30T08:00:00.000Z', '2030-03-31T07:00:00.000Z', '2030-04-01T07:00:00.000Z']);
  });

  it('on_completion: creates the first task now, lists, reads, patches with If-Match, and deactivates keeping history', async () => {
    const c = await clientFor(app.url());
    const made = await c.post('/api/recurring-tasks', {
      title: 'pay rent', tags: ['home'], recurrence: { freq: 'monthly', by_month_day: [1], timezone: 'Europe/Berlin' }, starts_at: '2030-01-01T09:00:00+01:00',
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.recurrence.mode, 'on_completion');
    assert.equal(made.headers.get('etag'), '"1"');
    const tasks = (await c.get('/api/tasks?status=all')).body.items;
    assert.deepEqual(tasks.map((t: { title: string; due_at: string; tags: string[]; recurring_task_id: string }) => [t.title, t.due_at, t.tags, t.recurring_task_id]), [
      ['pay rent', '2030-01-01T08:00:00.000Z', ['home'], made.body.id],
    ]);
    assert.deepEqual((await c.get('/api/recurring-tasks')).body.items.map((r: { id: string }) => r.id), [made.body.id]);
    const stale = await c.patch(`/api/recurring-tasks/${made.body.id}`, { title: 'pay the rent' }, { 'if-match': '"7"' });
    assert.equal(stale.status, 409);
    const patched = await c.patch(`/api/recurring-tasks/${made.body.id}`, { title: 'pay the rent' }, { 'if-match': '"1"' });
    assert.deepEqual([patched.status, patched.body.title, patched.body.version], [200, 'pay the rent', 2]);
    const modeChange = await c.patch(`/api/recurring-tasks/${made.body.id}`, { recurrence: { freq: 'daily', mode: 'schedule' } });
    assert.equal(modeChange.status, 409);
    assert.equal((await c.delete(`/api/recurring-tasks/${made.body.id}`)).status, 204);
    assert.deepEqual((await c.get('/api/recurring-tasks')).body.items, []);
    assert.equal((await c.get('/api/recurring-tasks?status=inactive')).body.items[0].active, false);
    assert.equal((await c.get(`/api/recurring-tasks/${made.body.id}`)).body.active, false);
    assert.equal((await c.get('/api/tasks?status=all')).body.items.length, 1);
    const back = await c.patch(`/api/recurring-tasks/${made.body.id}`, { active: true });
    assert.equal(back.body.active, true);
  });

  it('previews occurrences in the rule offset, the start first when it matches (DTSTART)', async () => {
    const c = await clientFor(app.url());
    const res = await c.post('/api/recurrence/preview', {
      recurrence: { freq: 'monthly', by_month_day: [31], timezone: 'America/New_York' }, start: '2031-01-31T09:00:00-05:00', count: 4,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.occurrences, ['2031-01-31T09:00:00-05:00', '2031-02-28T09:00:00-05:00', '2031-03-31T09:00:00-04:00', '2031-04-30T09:00:00-04:00']);
    const weekly = await c.post('/api/recurrence/preview', { recurrence: { freq: 'weekly', by_weekday: ['MO', 'WE'], timezone: 'UTC' }, start: '2031-01-07T10:00:00Z', count: 2 });
    assert.deepEqual(weekly.body.occurrences, ['2031-01-08T10:00:00+00:00', '2031-01-13T10:00:00+00:00']);
  });

  it('previews sparse rules within a bounded search: leap days from 1900 at once, 400 naming the rule when too sparse', async () => {
    // Issue 12: "0 0 * 2 1#5" from 1900 took 1.1 s of CPU, "0 0 29 2 *" 430 ms, holding every request.
    const c = await clientFor(app.url());
    const started = Date.now();
    const leap = await c.post('/api/recurrence/preview', { recurrence: { freq: 'cron', cron: '0 0 29 2 *', timezone: 'UTC' }, start: '1900-01-01T00:00:00Z', count: 3 });
    assert.deepEqual(leap.body.occurrences, ['1904-02-29T00:00:00+00:00', '1908-02-29T00:00:00+00:00', '1912-02-29T00:00:00+00:00']);
    const fifth = await c.post('/api/recurrence/preview', { recurrence: { freq: 'cron', cron: '0 0 * 2 1#5', timezone: 'UTC' }, start: '1900-01-01T00:00:00Z', count: 2 });
    assert.deepEqual(fifth.body.occurrences, ['1904-02-29T00:00:00+00:00', '1932-02-29T00:00:00+00:00']);
    const tooSparse = await c.post('/api/recurrence/preview', { recurrence: { freq: 'cron', cron: '0 0 * 2 1#5', timezone: 'UTC' }, start: '1900-01-01T00:00:00Z', count: 100 });
    assert.equal(tooSparse.status, 400);
    assert.equal(tooSparse.body.error.details[0].path, 'recurrence.cron');
    assert.match(tooSparse.body.error.details[0].message, /too sparse/);
    assert.ok(Date.now() - started < 2000, `three previews took ${Date.now() - started} ms`);
  });

  it('refuses bad rules naming the field, and writes nothing', async () => {
    const c = await clientFor(app.url());
    const base = { title: 'x', starts_at: '2030-01-01T09:00:00Z' };
    const cases: [string, unknown, string][] = [
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'hourly' } }, 'recurrence.freq'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'cron', cron: '61 * * * *' } }, 'recurrence.cron'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'cron' } }, 'recurrence.cron'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily', timezone: 'Europe/Atlantis' } }, 'recurrence.timezone'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily', count: 0 } }, 'recurrence.count'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily', interval: 0 } }, 'recurrence.interval'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'weekly', by_weekday: ['MO', 'XX'] } }, 'recurrence.by_weekday.1'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily', until: '2029-12-31T00:00:00Z' } }, 'recurrence.until'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily', until: '2030-02-01T00:00:00Z', count: 3 } }, 'recurrence.count'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily' }, catch_up: 'sometimes' }, 'catch_up'],
      ['/api/recurring-tasks', { ...base, recurrence: { freq: 'daily' }, starts_at: 'tomorrow' }, 'starts_at'],
      ['/api/recurring-tasks', { title: 'x' }, 'recurrence'],
      ['/api/recurrence/preview', { recurrence: { freq: 'daily' }, start: '2030-01-01T09:00:00Z', count: 0 }, 'count'],
      ['/api/recurrence/preview', { recurrence: { freq: 'daily' }, start: '2030-01-01T09:00:00Z', count: 101 }, 'count'],
      ['/api/recurrence/preview', { recurrence: { freq: 'daily' } }, 'start'],
      ['/api/tasks', { title: 'x', recurrence: { freq: 'daily' } }, 'recurrence'],
      ['/api/tasks', { title: 'x', due_at: '2030-01-01T09:00:00Z', recurrence: { freq: 'daily', until: '2029-01-01T00:00:00Z' } }, 'recurrence.until'],
      ['/api/tasks', { title: 'x', due_at: '2030-01-01T09:00:00Z', reminders: [{ offset: 'soon' }] }, 'reminders.0.offset'],
    ];
    for (const [path, body, field] of cases) {
      const res = await c.post(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.details[0].path, field, `${path} ${JSON.stringify(body)}`);
    }
    assert.deepEqual((await c.get('/api/recurring-tasks?status=all')).body.items, []);
    assert.deepEqual((await c.get('/api/tasks?status=all')).body.items, []);
    assert.equal((await c.get('/api/recurring-tasks?status=sometimes')).status, 400);
    assert.equal((await c.patch(`/api/recurring-tasks/${randomUUID()}`, {})).status, 400);
  });

  it("answers 404 to another user on every template route, and changes nothing", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    const made = (await alice.post('/api/recurring-tasks', { title: 'secret', recurrence: { freq: 'daily' }, starts_at: '2030-01-01T09:00:00Z' })).body;
    assert.equal((await bob.get(`/api/recurring-tasks/${made.id}`)).status, 404);
    assert.equal((await bob.patch(`/api/recurring-tasks/${made.id}`, { title: 'pwned' })).status, 404);
    assert.equal((await bob.delete(`/api/recurring-tasks/${made.id}`)).status, 404);
    assert.deepEqual((await bob.get('/api/recurring-tasks?status=all')).body.items, []);
    assert.deepEqual((await alice.get(`/api/recurring-tasks/${made.id}`)).body, made);
  });
});
