import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Client, clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

async function seed(c: Client, tasks: Record<string, unknown>[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const t of tasks) {
    const res = await c.post('/api/tasks', t);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids[res.body.title as string] = res.body.id as string;
  }
  return ids;
}

const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((t) => t.title);

async function pageThrough(c: Client, query: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await c.get(`/api/tasks?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    seen.push(...titles(res));
    cursor = res.body.next_cursor;
  } while (cursor);
  return seen;
}

describe('GET /api/tasks', () => {
  it('lists open tasks, newest first, by default', async () => {
    const c = await clientFor(app.url());
    const ids = await seed(c, [{ title: 'first' }, { title: 'second' }, { title: 'third' }]);
    await c.post(`/api/tasks/${ids.second}/complete`);
    const res = await c.get('/api/tasks');
    assert.deepEqual(titles(res), ['third', 'first']);
    assert.equal(res.body.next_cursor, null);
  });

  it('filters by status completed and all', async () => {
    const c = await clientFor(app.url());
    const ids = await seed(c, [{ title: 'open one' }, { title: 'done one' }]);
    await c.post(`/api/tasks/${ids['done one']}/complete`);
    assert.deepEqual(titles(await c.get('/api/tasks?status=completed')), ['done one']);
    assert.deepEqual(titles(await c.get('/api/tasks?status=all&sort=title')), ['done one', 'open one']);
  });

  it('searches title and description case-insensitively with prefix matching', async () => {
    const c = await clientFor(app.url());
    await seed(c, [
      { title: 'Quarterly Report', description: 'numbers for finance' },
      { title: 'Groceries', description: 'milk, eggs, REPORTER magazine' },
      { title: 'Call mom' },
    ]);
    assert.deepEqual(titles(await c.get('/api/tasks?q=rep&sort=title')), ['Groceries', 'Quarterly Report']);
    assert.deepEqual(titles(await c.get('/api/tasks?q=FINAN')), ['Quarterly Report']);
    assert.deepEqual(titles(await c.get('/api/tasks?q=report%20fin')), ['Quarterly Report']);
    assert.deepEqual(titles(await c.get('/api/tasks?q=nothing')), []);
  });

  it('treats search syntax characters as plain text', async () => {
    const c = await clientFor(app.url());
    await seed(c, [{ title: 'fix a|b & c!' }]);
    for (const q of ['a|b', "c!'", '(fix', 'fix:*', "' or 1=1 --"]) {
      const res = await c.get(`/api/tasks?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
    assert.deepEqual(titles(await c.get(`/api/tasks?q=${encodeURIComponent('a|b')}`)), ['fix a|b & c!']);
  });

  it('filters by a list of priorities', async () => {
    const c = await clientFor(app.url());
    await seed(c, [
      { title: 'l', priority: 'low' },
      { title: 'm' },
      { title: 'h', priority: 'high' },
      { title: 'c', priority: 'critical' },
    ]);
    assert.deepEqual(titles(await c.get('/api/tasks?priority=low,critical&sort=title')), ['c', 'l']);
  });

  it('filters by tags, all of which must match, ignoring case', async () => {
    const c = await clientFor(app.url());
    await seed(c, [
      { title: 'both', tags: ['work', 'urgent'] },
      { title: 'work only', tags: ['work'] },
      { title: 'none' },
    ]);
    assert.deepEqual(titles(await c.get('/api/tasks?tag=Work,URGENT')), ['both']);
    assert.deepEqual(titles(await c.get('/api/tasks?tag=work&sort=title')), ['both', 'work only']);
    assert.deepEqual(titles(await c.get('/api/tasks?tag=work&tag=urgent')), ['both']);
    assert.deepEqual(titles(await c.get('/api/tasks?tag=missing')), []);
  });

  it('filters by due range and overdue', async () => {
    const c = await clientFor(app.url());
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const later = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await seed(c, [{ title: 'past', due_at: past }, { title: 'soon', due_at: soon }, { title: 'later', due_at: later }, { title: 'undated' }]);
    const tomorrow = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    assert.deepEqual(titles(await c.get(`/api/tasks?due_before=${tomorrow}&sort=due_at`)), ['past', 'soon']);
    assert.deepEqual(titles(await c.get(`/api/tasks?due_after=${tomorrow}`)), ['later']);
    assert.deepEqual(titles(await c.get('/api/tasks?overdue=true')), ['past']);
    assert.deepEqual(titles(await c.get('/api/tasks?overdue=false&sort=title')), ['later', 'soon', 'undated']);
  });

  it('sorts by due date with undated tasks last in both directions', async () => {
    const c = await clientFor(app.url());
    await seed(c, [
      { title: 'undated' },
      { title: 'b', due_at: '2030-01-02T00:00:00Z' },
      { title: 'a', due_at: '2030-01-01T00:00:00Z' },
    ]);
    assert.deepEqual(titles(await c.get('/api/tasks?sort=due_at')), ['a', 'b', 'undated']);
    assert.deepEqual(titles(await c.get('/api/tasks?sort=due_at&order=desc')), ['b', 'a', 'undated']);
  });

  it('sorts by priority (most urgent first), title (ignoring case) and updated_at', async () => {
    const c = await clientFor(app.url());
    const ids = await seed(c, [
      { title: 'beta', priority: 'low' },
      { title: 'Alpha', priority: 'critical' },
      { title: 'gamma', priority: 'high' },
    ]);
    assert.deepEqual(titles(await c.get('/api/tasks?sort=priority')), ['Alpha', 'gamma', 'beta']);
    assert.deepEqual(titles(await c.get('/api/tasks?sort=priority&order=asc')), ['beta', 'gamma', 'Alpha']);
    assert.deepEqual(titles(await c.get('/api/tasks?sort=title')), ['Alpha', 'beta', 'gamma']);
    await c.patch(`/api/tasks/${ids.beta}`, { description: 'touched' });
    assert.equal(titles(await c.get('/api/tasks?sort=updated_at'))[0], 'beta');
  });

  for (const [sort, order] of [['created_at', 'desc'], ['due_at', 'asc'], ['due_at', 'desc'], ['priority', 'desc'], ['title', 'asc'], ['updated_at', 'asc']]) {
    it(`pages through every task exactly once with a cursor (sort=${sort}&order=${order})`, async () => {
      const c = await clientFor(app.url());
      const priorities = ['low', 'medium', 'high', 'critical'];
      const tasks = Array.from({ length: 23 }, (_, i) => ({
        title: `task ${String(i).padStart(2, '0')}`,
        priority: priorities[i % 4],
        // Ties and undated tasks on purpose: the id breaks ties, nulls come last.
        ...(i % 3 === 0 ? {} : { due_at: `2030-01-0${(i % 5) + 1}T00:00:00Z` }),
      }));
      await seed(c, tasks);
      const all = titles(await c.get(`/api/tasks?sort=${sort}&order=${order}&limit=200`));
      const paged = await pageThrough(c, `sort=${sort}&order=${order}&limit=4`);
      assert.equal(all.length, 23);
      assert.deepEqual(paged, all);
    });
  }

  it('keeps pages stable when tasks are inserted while paging', async () => {
    const c = await clientFor(app.url());
    await seed(c, Array.from({ length: 6 }, (_, i) => ({ title: `old ${i}` })));
    const first = await c.get('/api/tasks?limit=3');
    await seed(c, [{ title: 'new while paging' }]);
    const second = await c.get(`/api/tasks?limit=3&cursor=${first.body.next_cursor}`);
    assert.deepEqual([...titles(first), ...titles(second)], ['old 5', 'old 4', 'old 3', 'old 2', 'old 1', 'old 0']);
    assert.equal(second.body.next_cursor, null);
  });

  const badQueries: [string, string][] = [
    ['status=done', 'status'],
    ['priority=urgent', 'priority'],
    ['sort=owner', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['due_before=yesterday', 'due_before'],
    ['overdue=yes', 'overdue'],
    ['q=%21%21%21', 'q'],
    ['cursor=garbage', 'cursor'],
    ['colour=red', 'colour'],
  ];
  for (const [query, field] of badQueries) {
    it(`answers 400 naming ${field} for ?${query}`, async () => {
      const c = await clientFor(app.url());
      const res = await c.get(`/api/tasks?${query}`);
      assert.equal(res.status, 400);
      assert.ok(res.body.error.details.some((d: { path: string; in: string }) => d.path.split('.')[0] === field && d.in === 'query'), JSON.stringify(res.body));
    });
  }

  it('treats an empty parameter as absent, as HTML forms send them', async () => {
    const c = await clientFor(app.url());
    await seed(c, [{ title: 'a' }]);
    assert.deepEqual(titles(await c.get('/api/tasks?q=&priority=&tag=')), ['a']);
  });

  it('refuses a cursor issued for another sort', async () => {
    const c = await clientFor(app.url());
    await seed(c, [{ title: 'a' }, { title: 'b' }]);
    const first = await c.get('/api/tasks?limit=1&sort=title');
    const res = await c.get(`/api/tasks?limit=1&sort=created_at&cursor=${first.body.next_cursor}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].path, 'cursor');
  });
});

describe('GET /api/tasks/{id}', () => {
  it('answers one task with its ETag', async () => {
    const c = await clientFor(app.url());
    const { a } = await seed(c, [{ title: 'a', tags: ['x'] }]);
    const res = await c.get(`/api/tasks/${a}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.title, 'a');
    assert.deepEqual(res.body.tags, ['x']);
    assert.equal(res.headers.get('etag'), '"1"');
  });

  it('answers 404 for an id that does not exist', async () => {
    const c = await clientFor(app.url());
    const res = await c.get('/api/tasks/6f1c2b1e-8d5a-4c1e-9c44-2a0f3e9b7d10');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('answers 400 naming id for an id that is not a UUID', async () => {
    const c = await clientFor(app.url());
    const res = await c.get('/api/tasks/not-a-uuid');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.details, [{ in: 'path', path: 'id', message: 'must be a UUID' }]);
  });
});
