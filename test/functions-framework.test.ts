import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freePort } from './free-port.ts';
import { clientFor } from './helpers.ts';
import { exited, start, waitFor } from './processes.ts';

// Each function runs alone under functions-framework's own server, as it does in its Knative
// Service: `functions-framework --target=<name>` with DATABASE_URL.
describe('a function run alone by functions-framework', () => {
  let child: ReturnType<typeof start> | undefined;
  after(async () => {
    child?.kill('SIGTERM');
    if (child) await exited(child);
  });

  it('serves its own routes, refuses the others, and answers /healthz', async () => {
    const port = await freePort();
    child = start(process.execPath, ['--import', 'tsx', 'node_modules/.bin/functions-framework', '--target=create-task', `--port=${port}`], {
      ...process.env,
      NODE_ENV: 'test',
    });
    await waitFor(child, /^URL: /);
    const url = `http://127.0.0.1:${port}`;
    const c = await clientFor(url);
    const created = await c.post('/api/tasks', { title: 'from a lone function' });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'from a lone function');
    const bad = await c.post('/api/tasks', { title: 'x'.repeat(501) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'title');
    const other = await c.get('/api/tasks');
    assert.equal(other.status, 405);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
  });
});
