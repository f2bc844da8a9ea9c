import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from './helpers.ts';

const app = serve(loadHost);

// User B must not be able to tell user A's rows from rows that do not exist: every route answers
// 404 (never 403), and A's data is unchanged afterwards.
describe('tenant isolation', () => {
  it("answers 404 to user B on every route for user A's task and tag, and changes nothing", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    const task = (await alice.post('/api/tasks', { title: 'secret', tags: ['private'] })).body;
    const tag = (await alice.get('/api/tags')).body.items[0];

    const attempts: [string, string, unknown][] = [
      ['GET', `/api/tasks/${task.id}`, undefined],
      ['PATCH', `/api/tasks/${task.id}`, { title: 'pwned' }],
      ['PATCH', `/api/tasks/${task.id}`, { title: 'pwned', version: 1 }],
      ['DELETE', `/api/tasks/${task.id}`, undefined],
      ['POST', `/api/tasks/${task.id}/complete`, undefined],
      ['POST', `/api/tasks/${task.id}/uncomplete`, undefined],
      ['PATCH', `/api/tags/${tag.id}`, { name: 'pwned' }],
      ['DELETE', `/api/tags/${tag.id}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bob.send(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'not_found');
    }

    assert.deepEqual((await bob.get('/api/tasks?status=all')).body.items, []);
    assert.deepEqual((await bob.get('/api/tasks?q=secret&status=all')).body.items, []);
    assert.deepEqual((await bob.get('/api/tasks?tag=private&status=all')).body.items, []);
    assert.deepEqual((await bob.get('/api/tags')).body.items, []);

    const after = await alice.get(`/api/tasks/${task.id}`);
    assert.deepEqual(after.body, task);
    assert.deepEqual((await alice.get('/api/tags')).body.items[0], tag);
  });

  it("keeps tags per user: B's tag of the same name is B's own", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    await alice.post('/api/tasks', { title: 'a', tags: ['shared-name'] });
    const b = await bob.post('/api/tags', { name: 'shared-name' });
    assert.equal(b.status, 201);
    assert.equal(b.body.task_count, 0);
  });

  it("cannot page into A's tasks with a cursor made from A's listing", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    for (const title of ['1', '2', '3']) await alice.post('/api/tasks', { title });
    const page = await alice.get('/api/tasks?limit=1');
    const res = await bob.get(`/api/tasks?limit=1&cursor=${page.body.next_cursor}`);
    assert.deepEqual(res.body.items, []);
  });
});
