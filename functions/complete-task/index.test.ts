import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

describe('POST /api/tasks/{id}/complete and /uncomplete', () => {
  it('completes a task: completed_at set, no longer overdue, version moved on', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'late', due_at: '2020-01-01T00:00:00Z' });
    assert.equal(t.body.overdue, true);
    const res = await c.post(`/api/tasks/${t.body.id}/complete`);
    assert.equal(res.status, 200);
    assert.equal(res.body.completed, true);
    assert.ok(Date.parse(res.body.completed_at) > Date.now() - 60_000);
    assert.equal(res.body.overdue, false);
    assert.equal(res.body.version, 2);
  });

  it('is idempotent: completing twice changes nothing the second time', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'once' });
    const first = await c.post(`/api/tasks/${t.body.id}/complete`);
    const second = await c.post(`/api/tasks/${t.body.id}/complete`);
    assert.equal(second.status, 200);
    assert.equal(second.body.version, first.body.version);
    assert.equal(second.body.completed_at, first.body.completed_at);
  });

  it('reopens a task with uncomplete', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'again' });
    await c.post(`/api/tasks/${t.body.id}/complete`);
    const res = await c.post(`/api/tasks/${t.body.id}/uncomplete`);
    assert.equal(res.status, 200);
    assert.equal(res.body.completed, false);
    assert.equal(res.body.completed_at, null);
    assert.equal(res.body.version, 3);
  });

  it('answers 409 for a stale version given in the body or If-Match', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'v' });
    await c.patch(`/api/tasks/${t.body.id}`, { title: 'v2' });
    assert.equal((await c.post(`/api/tasks/${t.body.id}/complete`, { version: 1 })).status, 409);
    assert.equal((await c.post(`/api/tasks/${t.body.id}/complete`, undefined, { 'if-match': '"1"' })).status, 409);
    assert.equal((await c.get(`/api/tasks/${t.body.id}`)).body.completed, false);
    assert.equal((await c.post(`/api/tasks/${t.body.id}/complete`, { version: 2 })).status, 200);
  });

  it('answers 404 for a missing task and 400 for a bad id or body', async () => {
    const c = await clientFor(app.url());
    assert.equal((await c.post('/api/tasks/6f1c2b1e-8d5a-4c1e-9c44-2a0f3e9b7d10/complete')).status, 404);
    assert.equal((await c.post('/api/tasks/nope/complete')).status, 400);
    const t = await c.post('/api/tasks', { title: 'x' });
    const bad = await c.post(`/api/tasks/${t.body.id}/complete`, { completed: false });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'completed');
    const broken = await c.send('POST', `/api/tasks/${t.body.id}/complete`, { body: '{', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.status, 400);
    assert.equal((await c.get(`/api/tasks/${t.body.id}`)).body.completed, false);
  });
});
