import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

describe('/api/tags', () => {
  it('creates a tag (201) and lists tags by name with their task counts', async () => {
    const c = await clientFor(app.url());
    const created = await c.post('/api/tags', { name: ' Errands ' });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Errands');
    assert.equal(created.body.task_count, 0);
    await c.post('/api/tasks', { title: 't', tags: ['errands', 'Alpha'] });
    const list = await c.get('/api/tags');
    assert.deepEqual(list.body.items.map((g: { name: string; task_count: number }) => [g.name, g.task_count]), [['Alpha', 1], ['Errands', 1]]);
  });

  it('stores SQL and HTML in names verbatim', async () => {
    const c = await clientFor(app.url());
    for (const name of ["'); drop table tags; --", '<script>x</script>']) {
      const res = await c.post('/api/tags', { name });
      assert.equal(res.status, 201);
      assert.equal(res.body.name, name);
    }
    assert.equal((await c.get('/api/tags')).body.items.length, 2);
  });

  it('answers 409 tag_exists with the existing tag for a name taken in any case', async () => {
    const c = await clientFor(app.url());
    await c.post('/api/tags', { name: 'Home' });
    const res = await c.post('/api/tags', { name: 'HOME' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'tag_exists');
    assert.equal(res.body.error.details[0].name, 'Home');
  });

  it('renames a tag, which moves every task carrying it to a new version', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 't', tags: ['old'] });
    const tag = (await c.get('/api/tags')).body.items[0];
    const res = await c.patch(`/api/tags/${tag.id}`, { name: 'new' });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'new');
    const task = await c.get(`/api/tasks/${t.body.id}`);
    assert.deepEqual(task.body.tags, ['new']);
    assert.equal(task.body.version, 2);
  });

  it('allows a rename that only changes case, and refuses one onto another tag (409)', async () => {
    const c = await clientFor(app.url());
    const a = await c.post('/api/tags', { name: 'work' });
    await c.post('/api/tags', { name: 'home' });
    assert.equal((await c.patch(`/api/tags/${a.body.id}`, { name: 'Work' })).status, 200);
    const clash = await c.patch(`/api/tags/${a.body.id}`, { name: 'HOME' });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'tag_exists');
  });

  it('deletes a tag (204), removing it from its tasks and moving their version', async () => {
    const c = await clientFor(app.url());
    const t = await c.post('/api/tasks', { title: 't', tags: ['gone', 'kept'] });
    const gone = (await c.get('/api/tags')).body.items.find((g: { name: string }) => g.name === 'gone');
    assert.equal((await c.delete(`/api/tags/${gone.id}`)).status, 204);
    const task = await c.get(`/api/tasks/${t.body.id}`);
    assert.deepEqual(task.body.tags, ['kept']);
    assert.equal(task.body.version, 2);
    assert.equal((await c.delete(`/api/tags/${gone.id}`)).status, 404);
  });

  const bad: [string, string, unknown, string][] = [
    ['POST', 'a missing name', {}, 'name'],
    ['POST', 'an empty name', { name: ' ' }, 'name'],
    ['POST', 'a name over 50 characters', { name: 'x'.repeat(51) }, 'name'],
    ['POST', 'a name with a comma', { name: 'a,b' }, 'name'],
    ['POST', 'a name with a control character', { name: 'a\nb' }, 'name'],
    ['POST', 'a name of the wrong type', { name: ['a'] }, 'name'],
    ['POST', 'an unknown field', { name: 'a', color: 'red' }, 'color'],
    ['PATCH', 'an empty name', { name: '' }, 'name'],
    ['PATCH', 'an unknown field', { name: 'a', id: 'x' }, 'id'],
  ];
  for (const [method, what, body, field] of bad) {
    it(`${method} answers 400 naming ${field} for ${what}, and writes nothing`, async () => {
      const c = await clientFor(app.url());
      const existing = await c.post('/api/tags', { name: 'existing' });
      const path = method === 'POST' ? '/api/tags' : `/api/tags/${existing.body.id}`;
      const res = await c.send(method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path === field), JSON.stringify(res.body));
      const list = await c.get('/api/tags');
      assert.deepEqual(list.body.items.map((g: { name: string }) => g.name), ['existing']);
    });
  }

  it('answers 400 for malformed JSON, 415 for a non-JSON body and 404 for a missing tag', async () => {
    const c = await clientFor(app.url());
    const json = { 'content-type': 'application/json' };
    assert.equal((await c.send('POST', '/api/tags', { body: '{"name":', headers: json })).status, 400);
    assert.equal((await c.send('POST', '/api/tags', { body: 'name', headers: { 'content-type': 'text/plain' } })).status, 415);
    assert.equal((await c.patch('/api/tags/6f1c2b1e-8d5a-4c1e-9c44-2a0f3e9b7d10', { name: 'x' })).status, 404);
  });
});
