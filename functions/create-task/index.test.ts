import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, request, serve, tokenFor } from '../../test/helpers.ts';

const app = serve(loadHost);

describe('POST /api/tasks', () => {
  it('creates a task with defaults and answers 201 with Location and ETag', async () => {
    const c = await clientFor(app.url());
    const res = await c.post('/api/tasks', { title: '  Buy milk  ' });
    assert.equal(res.status, 201);
    assert.equal(res.body.title, 'Buy milk');
    assert.equal(res.body.description, '');
    assert.equal(res.body.priority, 'medium');
    assert.equal(res.body.due_at, null);
    assert.deepEqual(res.body.tags, []);
    assert.equal(res.body.completed, false);
    assert.equal(res.body.completed_at, null);
    assert.equal(res.body.overdue, false);
    assert.equal(res.body.version, 1);
    assert.equal(res.headers.get('location'), `/api/tasks/${res.body.id}`);
    assert.equal(res.headers.get('etag'), '"1"');
    const again = await c.get(`/api/tasks/${res.body.id}`);
    assert.deepEqual(again.body, res.body);
  });

  it('keeps the offset instant of due_at and marks a past due date overdue', async () => {
    const c = await clientFor(app.url());
    const res = await c.post('/api/tasks', { title: 'Late', due_at: '2020-01-01T10:00:00+02:00', priority: 'critical' });
    assert.equal(res.status, 201);
    assert.equal(res.body.due_at, '2020-01-01T08:00:00.000Z');
    assert.equal(res.body.overdue, true);
  });

  it('creates unknown tags for the user, reuses known ones case-insensitively, and drops duplicates', async () => {
    const c = await clientFor(app.url());
    await c.post('/api/tags', { name: 'Work' });
    const res = await c.post('/api/tasks', { title: 'Report', tags: ['work', 'q4', 'Q4', 'home'] });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.tags, ['home', 'q4', 'Work']);
    const tags = await c.get('/api/tags');
    assert.deepEqual(tags.body.items.map((t: { name: string }) => t.name), ['home', 'q4', 'Work']);
  });

  it('stores SQL and HTML verbatim, never executing them', async () => {
    const c = await clientFor(app.url());
    const title = "'); drop table tasks; --";
    const description = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const res = await c.post('/api/tasks', { title, description, tags: ["x' or '1'='1"] });
    assert.equal(res.status, 201);
    const read = await c.get(`/api/tasks/${res.body.id}`);
    assert.equal(read.body.title, title);
    assert.equal(read.body.description, description);
    assert.deepEqual(read.body.tags, ["x' or '1'='1"]);
  });

  it('accepts a title of exactly 500 characters and a description of 10,000', async () => {
    const c = await clientFor(app.url());
    const res = await c.post('/api/tasks', { title: 't'.repeat(500), description: 'd'.repeat(10_000) });
    assert.equal(res.status, 201);
  });

  const badBodies: [string, unknown, string][] = [
    ['a missing title', {}, 'title'],
    ['an empty title', { title: '' }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a title of the wrong type', { title: 42 }, 'title'],
    ['a title over 500 characters', { title: 'x'.repeat(501) }, 'title'],
    ['a description over 10,000 characters', { title: 'a', description: 'x'.repeat(10_001) }, 'description'],
    ['a NUL character', { title: 'a\u0000b' }, 'title'],
    ['an unknown priority', { title: 'a', priority: 'urgent' }, 'priority'],
    ['a due date without an offset', { title: 'a', due_at: '2026-05-01T09:00:00' }, 'due_at'],
    ['an impossible due date', { title: 'a', due_at: '2026-02-30T09:00:00Z' }, 'due_at'],
    ['a due date that is not a date', { title: 'a', due_at: 'tomorrow' }, 'due_at'],
    ['a due date in year 20', { title: 'a', due_at: '0020-02-29T00:00:00Z' }, 'due_at'],
    ['tags that are not a list', { title: 'a', tags: 'work' }, 'tags'],
    ['more than 20 tags', { title: 'a', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['a tag with a comma', { title: 'a', tags: ['a,b'] }, 'tags.0'],
    ['a tag over 50 characters', { title: 'a', tags: ['x'.repeat(51)] }, 'tags.0'],
    ['an unknown field', { title: 'a', owner: 'bob' }, 'owner'],
    ['a client-chosen id', { title: 'a', id: '00000000-0000-4000-8000-000000000000' }, 'id'],
    ['a JSON array', [{ title: 'a' }], '(root)'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`answers 400 naming ${field} for ${what}, and writes nothing`, async () => {
      const c = await clientFor(app.url());
      const res = await c.post('/api/tasks', body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(
        res.body.error.details.some((d: { path: string }) => d.path === field),
        JSON.stringify(res.body.error.details),
      );
      const list = await c.get('/api/tasks?status=all');
      assert.deepEqual(list.body.items, []);
      const tags = await c.get('/api/tags');
      assert.deepEqual(tags.body.items, []);
    });
  }

  it('answers 400 malformed_json for broken JSON', async () => {
    const c = await clientFor(app.url());
    const res = await c.send('POST', '/api/tasks', { body: '{"title": ', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'malformed_json');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const c = await clientFor(app.url());
    const res = await c.send('POST', '/api/tasks', { body: 'title=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'unsupported_media_type');
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const c = await clientFor(app.url());
    const body = JSON.stringify({ title: 'a', description: 'x'.repeat(1024 * 1024) });
    const res = await c.send('POST', '/api/tasks', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'payload_too_large');
  });

  it('answers 401 without a token, with a bad token, an expired one or one signed with another secret', async () => {
    const url = app.url();
    const body = JSON.stringify({ title: 'a' });
    const headers = { 'content-type': 'application/json' };
    const expired = await tokenFor('eve', { expiresIn: '-1m' });
    const forged = await tokenFor('eve', { secret: 'another-secret-that-is-long-enough-1234567890' });
    for (const auth of [undefined, 'Bearer nonsense', `Bearer ${expired}`, `Bearer ${forged}`, 'Basic ZXZlOmV2ZQ==']) {
      const res = await request(url, 'POST', '/api/tasks', { body, headers: { ...headers, ...(auth ? { authorization: auth } : {}) } });
      assert.equal(res.status, 401, String(auth));
      assert.equal(res.body.error.code, 'unauthorized');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
  });
});
