import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from '../../test/helpers.ts';
import { deliver, requested } from '../../test/notification-events.ts';

const app = serve(loadHost);

describe('/api/notifications', () => {
  it('keeps in-app notifications in an inbox the user pages through and marks read', async () => {
    const c = await clientFor(app.url());
    const events = [requested(c.user, 'in_app'), requested(c.user, 'in_app'), requested(c.user, 'in_app')];
    for (const e of events) assert.deepEqual((await deliver(app.url(), e)).body, { status: 'SUCCESS' });
    await deliver(app.url(), events[0]);
    const first = await c.get('/api/notifications?limit=2');
    assert.equal(first.body.items.length, 2);
    const second = await c.get(`/api/notifications?limit=2&cursor=${first.body.next_cursor}`);
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.next_cursor, null);
    const id = second.body.items[0].id;
    const read = await c.post(`/api/notifications/${id}/read`);
    assert.deepEqual([read.status, read.body.read], [200, true]);
    assert.equal((await c.get('/api/notifications?unread=true')).body.items.length, 2);
    assert.equal((await c.get('/api/notifications?unread=false')).body.items[0].id, id);

    const bob = await clientFor(app.url());
    assert.equal((await bob.post(`/api/notifications/${id}/read`)).status, 404);
    assert.deepEqual((await bob.get('/api/notifications')).body.items, []);
    assert.equal((await bob.get(`/api/notifications?cursor=${first.body.next_cursor}`)).body.items.length, 0);
    for (const bad of ['unread=maybe', 'limit=0', 'cursor=garbage']) {
      const res = await c.get(`/api/notifications?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.error.details[0].path, bad.split('=')[0]);
    }
    assert.equal((await c.post('/api/notifications/not-a-uuid/read')).status, 400);
  });
});
