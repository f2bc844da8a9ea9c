import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import postgres from 'postgres';
import { freePort } from '../../test/free-port.ts';
import { exited, portClosed, start, waitFor } from '../../test/processes.ts';
import { startEmbeddedPostgres } from './embedded.ts';

// A process that starts the embedded PostgreSQL on DIR and PORT, then prints "ready" and waits.
const holder = (dir: string, port: number) =>
  start(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { startEmbeddedPostgres } = await import('./shared/db/embedded.ts');
       await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, port: ${port}, fast: true });
       console.log('ready'); setInterval(() => {}, 1000);`,
    ],
    process.env,
  );

describe('the embedded PostgreSQL of npm start', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const newDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-embedded-'));
    await chmod(dir, 0o755);
    dirs.push(dir);
    return dir;
  };

  it('stops a server left running by a host killed with SIGKILL, and starts on the same data', async () => {
    const [dir, port] = [await newDir(), await freePort()];
    const first = holder(dir, port);
    await waitFor(first, /^ready$/);
    const sql = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    first.kill('SIGKILL');
    await exited(first);
    assert.equal(await portClosed(port), false, 'the orphaned server should still be listening');
    await sql.end();

    const db = await startEmbeddedPostgres({ dir, port, fast: true });
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    assert.deepEqual([...(await client`select 1 as one`)], [{ one: 1 }]);
    await client.end();
    await db.stop();
    assert.equal(await portClosed(port), true);
  });

  it('refuses in one line naming the process when a running host still uses the data directory', async () => {
    const [dir, port] = [await newDir(), await freePort()];
    const owner = holder(dir, port);
    await waitFor(owner, /^ready$/);
    try {
      await assert.rejects(startEmbeddedPostgres({ dir, port: await freePort(), fast: true }), (err: Error) => {
        assert.match(err.message, new RegExp(`started by process ${owner.pid}, which is still running: stop it first`));
        return true;
      });
      assert.equal(await portClosed(port), false, 'the running host keeps its server');
    } finally {
      owner.kill('SIGKILL');
      await exited(owner);
      // Its server is an orphan now: the next start cleans it up, and this stop ends it.
      await (await startEmbeddedPostgres({ dir, port, fast: true })).stop();
    }
  });

  it('says why when PostgreSQL cannot start, instead of failing with nothing', async () => {
    const [dir, port] = [await newDir(), await freePort()];
    const taken = await startEmbeddedPostgres({ dir: await newDir(), port, fast: true });
    try {
      await assert.rejects(startEmbeddedPostgres({ dir, port, fast: true }), /PostgreSQL did not start on port \d+[^]*(in use|could not)/);
    } finally {
      await taken.stop();
    }
  });
});
