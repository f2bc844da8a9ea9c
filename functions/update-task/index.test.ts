import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

async function task(c: Client, body: Record<string, unknown> = {}) {
  const res = await c.post('/api/tasks', { title: 'original', description: 'desc', tags: ['a'], ...body });
  assert.equal(res.status, 201);
  return res.body as { id: string; version: number };
}

describe('PATCH /api/tasks/{id}', () => {
  it('changes only the given fields and moves the version on', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { priority: 'low', due_at: '2030-01-01T00:00:00Z' });
    const res = await c.patch(`/api/tasks/${t.id}`, { title: 'renamed', version: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.title, 'renamed');
    assert.equal(res.body.description, 'desc');
    assert.equal(res.body.priority, 'low');
    assert.equal(res.body.due_at, '2030-01-01T00:00:00.000Z');
    assert.deepEqual(res.body.tags, ['a']);
    assert.equal(res.body.version, 2);
    assert.equal(res.headers.get('etag'), '"2"');
    assert.ok(res.body.updated_at > res.body.created_at);
  });

  it('clears the due date with null and replaces the tags', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: '2030-01-01T00:00:00Z' });
    const res = await c.patch(`/api/tasks/${t.id}`, { due_at: null, tags: ['b', 'c'] });
    assert.equal(res.status, 200);
    assert.equal(res.body.due_at, null);
    assert.deepEqual(res.body.tags, ['b', 'c']);
  });

  it('updates without a version (last write wins) when the client sends none', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    await c.patch(`/api/tasks/${t.id}`, { priority: 'high' });
    const res = await c.patch(`/api/tasks/${t.id}`, { priority: 'critical' });
    assert.equal(res.status, 200);
    assert.equal(res.body.version, 3);
  });

  it('answers 409 with the current task for a stale version, and changes nothing', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    await c.patch(`/api/tasks/${t.id}`, { title: 'first writer', version: 1 });
    const res = await c.patch(`/api/tasks/${t.id}`, { title: 'second writer', tags: ['zzz'], version: 1 });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'version_conflict');
    assert.equal(res.body.error.details[0].title, 'first writer');
    assert.equal(res.body.error.details[0].version, 2);
    const now = await c.get(`/api/tasks/${t.id}`);
    assert.equal(now.body.title, 'first writer');
    assert.deepEqual(now.body.tags, ['a']);
    const tags = await c.get('/api/tags');
    assert.deepEqual(tags.body.items.map((g: { name: string }) => g.name), ['a']);
  });

  it('takes the version from If-Match, as the ETag was sent', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const ok = await c.patch(`/api/tasks/${t.id}`, { title: 'b' }, { 'if-match': '"1"' });
    assert.equal(ok.status, 200);
    const stale = await c.patch(`/api/tasks/${t.id}`, { title: 'c' }, { 'if-match': '"1"' });
    assert.equal(stale.status, 409);
  });

  it('lets exactly one of two concurrent writers with the same version win', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const results = await Promise.all(['x', 'y', 'z'].map((title) => c.patch(`/api/tasks/${t.id}`, { title, version: 1 })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
  });

  it('stores SQL and HTML verbatim', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const title = "x'; update tasks set title = 'pwned'; --";
    const description = '<b onmouseover="alert(1)">hi</b>';
    const res = await c.patch(`/api/tasks/${t.id}`, { title, description, tags: ['<i>'] });
    assert.equal(res.status, 200);
    const read = await c.get(`/api/tasks/${t.id}`);
    assert.equal(read.body.title, title);
    assert.equal(read.body.description, description);
    assert.deepEqual(read.body.tags, ['<i>']);
  });

  it('answers 404 for a task that does not exist', async () => {
    const c = await clientFor(app.url());
    const res = await c.patch('/api/tasks/6f1c2b1e-8d5a-4c1e-9c44-2a0f3e9b7d10', { title: 'x' });
    assert.equal(res.status, 404);
  });

  const bad: [string, unknown, string][] = [
    ['an empty patch', {}, '(root)'],
    ['only a version', { version: 1 }, '(root)'],
    ['an empty title', { title: '  ' }, 'title'],
    ['a title over 500 characters', { title: 'x'.repeat(501) }, 'title'],
    ['a null title', { title: null }, 'title'],
    ['a wrong priority', { priority: 3 }, 'priority'],
    ['an invalid due date', { due_at: '2026-13-01T00:00:00Z' }, 'due_at'],
    ['a version of the wrong type', { title: 'x', version: '1' }, 'version'],
    ['a version of 0', { title: 'x', version: 0 }, 'version'],
    ['a version beyond the integer range', { title: 'x', version: 9007199254740990 }, 'version'],
    ['a completed field (use /complete)', { completed: true }, 'completed'],
    ['a read-only field', { created_at: '2020-01-01T00:00:00Z' }, 'created_at'],
  ];
  for (const [what, body, field] of bad) {
    it(`answers 400 naming ${field} for ${what}, and changes nothing`, async () => {
      const c = await clientFor(app.url());
      const t = await task(c);
      const res = await c.patch(`/api/tasks/${t.id}`, body);
      assert.equal(res.status, 400);
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path === field), JSON.stringify(res.body));
      const now = await c.get(`/api/tasks/${t.id}`);
      assert.equal(now.body.version, 1);
      assert.equal(now.body.title, 'original');
    });
  }

  it('answers 400 for an If-Match that is not a version, or one that contradicts the body', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const garbage = await c.patch(`/api/tasks/${t.id}`, { title: 'x' }, { 'if-match': 'abc' });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error.details[0].path, 'If-Match');
    const both = await c.patch(`/api/tasks/${t.id}`, { title: 'x', version: 2 }, { 'if-match': '"1"' });
    assert.equal(both.status, 400);
  });

  it('answers 400 for malformed JSON and 415 for a non-JSON body', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const broken = await c.send('PATCH', `/api/tasks/${t.id}`, { body: '{', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.status, 400);
    const text = await c.send('PATCH', `/api/tasks/${t.id}`, { body: 'title', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
  });
});

describe('PATCH /api/tasks/{id} with a recurrence', () => {
  const weekly = { freq: 'weekly', by_weekday: ['SA'] };
  const due = '2030-01-05T09:00:00.000Z'; // a Saturday

  it('starts a series at the task\'s due time on a one-off task, as POST /api/tasks with a recurrence does', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due });
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: weekly }, { 'if-match': '"1"' });
    assert.equal(res.status, 200);
    assert.equal(res.body.version, 2);
    assert.equal(res.body.due_at, due);
    const template = await c.get(`/api/recurring-tasks/${res.body.recurring_task_id}`);
    assert.equal(template.status, 200);
    assert.equal(Date.parse(template.body.starts_at), Date.parse(due));
    assert.deepEqual(template.body.recurrence.by_weekday, ['SA']);
    assert.equal(template.body.title, 'original');
  });

  it('changes the rule of the series the task already has, in place (the template moves to its next version)', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due, recurrence: weekly });
    const before = await c.get(`/api/tasks/${t.id}`);
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: { ...weekly, interval: 2 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.recurring_task_id, before.body.recurring_task_id);
    const template = await c.get(`/api/recurring-tasks/${res.body.recurring_task_id}`);
    assert.equal(template.body.recurrence.interval, 2);
    assert.equal(template.body.version, 2);
  });

  it('changes nothing, version included, when the rule sent is the series\' rule already', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due, recurrence: weekly });
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: weekly });
    assert.equal(res.status, 200);
    assert.equal(res.body.version, t.version);
  });

  it('starts a new series when the rule changes mode, since a template keeps the mode it was made with', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due, recurrence: weekly });
    const old = (await c.get(`/api/tasks/${t.id}`)).body.recurring_task_id;
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: { ...weekly, mode: 'schedule' } });
    assert.equal(res.status, 200);
    assert.notEqual(res.body.recurring_task_id, old);
    assert.equal((await c.get(`/api/recurring-tasks/${old}`)).body.active, false);
    assert.equal((await c.get(`/api/recurring-tasks/${res.body.recurring_task_id}`)).body.recurrence.mode, 'schedule');
  });

  it('stops the series with null: the template is deactivated and the task keeps its due date as a one-off', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due, recurrence: weekly });
    const template = (await c.get(`/api/tasks/${t.id}`)).body.recurring_task_id;
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.recurring_task_id, null);
    assert.equal(res.body.due_at, due);
    assert.equal(res.body.version, 2);
    assert.equal((await c.get(`/api/recurring-tasks/${template}`)).body.active, false);
    // Completing it now brings no next occurrence.
    await c.post(`/api/tasks/${t.id}/complete`);
    const open = await c.get('/api/tasks?status=open');
    assert.deepEqual(open.body.items, []);
  });

  it('answers 400 naming recurrence for a task without a due time, and writes nothing of the patch', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const res = await c.patch(`/api/tasks/${t.id}`, { title: 'renamed', recurrence: weekly });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].path, 'recurrence');
    const now = await c.get(`/api/tasks/${t.id}`);
    assert.equal(now.body.title, 'original');
    assert.equal(now.body.version, 1);
    assert.deepEqual((await c.get('/api/recurring-tasks?status=all')).body.items, []);
  });

  it('starts the series at the due time the same patch sets', async () => {
    const c = await clientFor(app.url());
    const t = await task(c);
    const res = await c.patch(`/api/tasks/${t.id}`, { due_at: due, recurrence: weekly });
    assert.equal(res.status, 200);
    assert.equal(Date.parse((await c.get(`/api/recurring-tasks/${res.body.recurring_task_id}`)).body.starts_at), Date.parse(due));
  });

  it('answers 409 for a stale If-Match and starts no series', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due });
    await c.patch(`/api/tasks/${t.id}`, { title: 'first writer' });
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: weekly }, { 'if-match': '"1"' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'version_conflict');
    assert.equal((await c.get(`/api/tasks/${t.id}`)).body.recurring_task_id, null);
    assert.deepEqual((await c.get('/api/recurring-tasks?status=all')).body.items, []);
  });

  it('answers 400 naming the rule\'s field for a rule that is not one', async () => {
    const c = await clientFor(app.url());
    const t = await task(c, { due_at: due });
    const res = await c.patch(`/api/tasks/${t.id}`, { recurrence: { freq: 'weekly', by_weekday: ['XX'] } });
    assert.equal(res.status, 400);
    assert.match(res.body.error.details[0].path, /^recurrence\.by_weekday/);
  });
});
