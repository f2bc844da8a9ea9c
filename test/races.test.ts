import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from './helpers.ts';

// Racing writes against the real PostgreSQL: whoever loses a race answers what it would have
// answered a moment later (a retried transaction), or 409; never a 500.
const app = serve(loadHost);

const statuses = (answers: { status: number }[]) => answers.map((a) => a.status);

describe('racing writes', () => {
  it('deleting a tag while a task carrying it is updated never answers 500 (a deadlock is retried)', async () => {
    const c = await clientFor(app.url());
    for (let round = 0; round < 12; round++) {
      const tag = (await c.post('/api/tags', { name: `t${round}` })).body;
      const task = (await c.post('/api/tasks', { title: 'x', tags: [tag.name] })).body;
      const [patch, del] = await Promise.all([c.patch(`/api/tasks/${task.id}`, { tags: [tag.name, `u${round}`] }), c.delete(`/api/tags/${tag.id}`)]);
      assert.equal(del.status, 204, JSON.stringify(del.body));
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
    }
  });

  it('deleting a tag while a task naming it is created never answers 500, and the task says which came first', async () => {
    const c = await clientFor(app.url());
    for (let round = 0; round < 20; round++) {
      const tag = (await c.post('/api/tags', { name: `r${round}` })).body;
      const [del, created] = await Promise.all([c.delete(`/api/tags/${tag.id}`), c.post('/api/tasks', { title: 'x', tags: [tag.name] })]);
      assert.deepEqual(statuses([del, created]), [204, 201], JSON.stringify(created.body));
      // Either order is a right answer, as long as the task says which: created after the delete,
      // it carries the tag made anew; before it, the delete removed the tag and moved its version on.
      const stored = (await c.get(`/api/tasks/${created.body.id}`)).body;
      if (stored.tags.length === 0) assert.ok(stored.version > created.body.version, `the tag went without a new version: ${JSON.stringify(stored)}`);
      else assert.deepEqual([stored.tags, stored.version], [[tag.name], created.body.version]);
    }
  });

  it('two tags renamed to the same name at once: one wins, the other answers 409 tag_exists', async () => {
    const c = await clientFor(app.url());
    for (let round = 0; round < 10; round++) {
      const a = (await c.post('/api/tags', { name: `a${round}` })).body;
      const b = (await c.post('/api/tags', { name: `b${round}` })).body;
      const answers = await Promise.all([c.patch(`/api/tags/${a.id}`, { name: `same${round}` }), c.patch(`/api/tags/${b.id}`, { name: `SAME${round}` })]);
      assert.deepEqual(statuses(answers).sort(), [200, 409], JSON.stringify(answers.map((x) => x.body)));
      assert.equal(answers.find((x) => x.status === 409)!.body.error.code, 'tag_exists');
    }
  });
});
