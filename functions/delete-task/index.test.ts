import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

describe('DELETE /api/tasks/{id}', () => {
  it('answers 204, after which the task is gone but its tags stay', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'bye', tags: ['keep'] });
    const res = await c.delete(`/api/tasks/${t.body.id}`);
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
    assert.equal((await c.get(`/api/tasks/${t.body.id}`)).status, 404);
    assert.equal((await c.delete(`/api/tasks/${t.body.id}`)).status, 404);
    const tags = await c.get('/api/tags');
    assert.deepEqual(tags.body.items.map((g: { name: string; task_count: number }) => [g.name, g.task_count]), [['keep', 0]]);
  });

  it('answers 409 with the current task when If-Match is stale, and keeps it', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 'guarded' });
    await c.patch(`/api/tasks/${t.body.id}`, { title: 'changed' });
    const res = await c.delete(`/api/tasks/${t.body.id}`, { 'if-match': '"1"' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.details[0].title, 'changed');
    assert.equal((await c.get(`/api/tasks/${t.body.id}`)).status, 200);
    assert.equal((await c.delete(`/api/tasks/${t.body.id}`, { 'if-match': '"2"' })).status, 204);
  });

  it('answers 400 for an id that is not a UUID, an unknown body field or a bad version', async () => {
    const c = await clientFor(app.url());
    assert.equal((await c.delete('/api/tasks/123')).status, 400);
    const t = await c.post('/api/tasks', { title: 'x' });
    const headers = { 'content-type': 'application/json' };
    const unknown = await c.send('DELETE', `/api/tasks/${t.body.id}`, { body: '{"force": true}', headers });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.details[0].path, 'force');
    const version = await c.send('DELETE', `/api/tasks/${t.body.id}`, { body: '{"version": "one"}', headers });
    assert.equal(version.status, 400);
    assert.equal((await c.get(`/api/tasks/${t.body.id}`)).status, 200);
  });
});
