import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { freePort } from './free-port.ts';
import { request } from './helpers.ts';
import { exited, portClosed, start, terminate, waitFor } from './processes.ts';
import { itBoundsSlowAndGreedyClients, smallLimitsEnv } from './slow-clients.ts';

// `npm start` as a new user runs it: its own embedded PostgreSQL under DATA_DIR, dev auth, a token
// printed, data kept across restarts, and nothing left running after Ctrl-C.
describe('npm start', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('serves with a printed token, keeps data across a restart, and stops PostgreSQL on SIGINT', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'taskfn-start-'));
    await chmod(dataDir, 0o755);
    dirs.push(dataDir);
    const [port, pgPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    delete env.AUTH_MODE;
    delete env.JWT_SECRET;
    delete env.NODE_ENV;
    const url = `http://127.0.0.1:${port}`;

    const first = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
    const token = (await waitFor(first, /export TOKEN=(\S+)/))[1]!;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await request(url, 'POST', '/api/tasks', { body: '{"title":"survives restarts"}', headers: auth });
    assert.equal(created.status, 201);
    const minted = await request(url, 'POST', '/api/dev/token', { body: '{"user_id":"alice"}', headers: { 'content-type': 'application/json' } });
    assert.equal(minted.status, 200);
    assert.match(minted.body.token, /^ey/);
    const badMint = await request(url, 'POST', '/api/dev/token', { body: '{"user_id":""}', headers: { 'content-type': 'application/json' } });
    assert.equal(badMint.status, 400);
    // A tab's cursor, then a change after it that the tab has not fetched when the host goes down.
    const cursor = (await request(url, 'GET', '/api/sync', { headers: auth })).body.cursor;
    const missed = await request(url, 'POST', '/api/tasks', { body: '{"title":"made before the restart"}', headers: auth });
    // The web app, built on the first request from the source tree, with the dev sign-in form.
    const page = await fetch(`${url}/`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<meta name="taskfn-auth" content="\{&quot;mode&quot;:&quot;dev&quot;\}">/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.equal((await fetch(`${url}${script}`)).status, 200);
    assert.ok(first.output.some((l) => l.includes(`Open ${url}/ in a browser`)), first.output.join('\n'));

    first.kill('SIGINT');
    const code = await exited(first);
    assert.equal(code, 0, first.output.filter((l) => !l.includes('"level":"info"')).join('\n'));
    assert.equal(await portClosed(pgPort), true, 'embedded PostgreSQL still listening after shutdown');
    assert.equal(await portClosed(port), true);

    const second = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
    await waitFor(second, /export TOKEN=/);
    // The old token still works: the dev secret is kept under DATA_DIR too.
    const again = await request(url, 'GET', `/api/tasks/${created.body.id}`, { headers: auth });
    assert.equal(again.status, 200);
    assert.equal(again.body.title, 'survives restarts');
    // The tab's cursor from before the restart resumes with what it missed.
    const resumed = await request(url, 'GET', `/api/sync?cursor=${cursor}`, { headers: auth });
    assert.deepEqual(resumed.body.changes.map((c: { id: string }) => c.id), [missed.body.id]);
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
    assert.equal(await portClosed(pgPort), true);
  });

  it('refuses to start on a bad setting with one line naming it', async () => {
    const child = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { ...process.env, PORT: 'eighty' });
    assert.equal(await exited(child), 1);
    assert.deepEqual(child.output, ['taskfn: invalid configuration: PORT: Invalid input: expected number, received NaN (got "eighty")']);
  });
});

// One `npm start` with small limits, so each fact below takes a second or two.
describe('npm start, facing the network', () => {
  let child: ReturnType<typeof start>;
  let port = 0;
  let dataDir = '';
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskfn-start-'));
    await chmod(dataDir, 0o755);
    [port] = [await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: dataDir,
      ...smallLimitsEnv, LOG_LEVEL: 'info',
    };
    for (const name of ['DATABASE_URL', 'AUTH_MODE', 'JWT_SECRET', 'NODE_ENV', 'HOST']) delete env[name];
    child = start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
    await waitFor(child, /export TOKEN=/);
  });
  after(async () => {
    await terminate(child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, unless HOST says otherwise', async () => {
    // The log line may come after the printed token: pino writes asynchronously.
    const [line] = await waitFor(child, /^\{.*"msg":"taskfn is up".*\}$/);
    assert.equal(JSON.parse(line).address?.address, '127.0.0.1');
    const outward = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
    for (const a of outward) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect(port, a!.address);
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      assert.equal(reached, false, `reachable on ${a!.address}`);
    }
  });

  itBoundsSlowAndGreedyClients(() => port);
});
