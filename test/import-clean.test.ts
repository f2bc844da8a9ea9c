import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

// Settings and connections belong to the runtime an entry point builds (shared/runtime/): importing
// any other module must read no setting and open nothing, so that tests, tools and a second runtime
// in the same process can load it freely. Entry points are the exception, by definition.
const root = path.join(import.meta.dirname, '..');
const entries = new Set(['functions/index.ts']);

async function modules(): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ['shared', 'functions']) {
    for (const entry of await readdir(path.join(root, dir), { recursive: true })) {
      const file = path.join(dir, entry);
      if (file.endsWith('.ts') && !file.endsWith('.test.ts') && !entries.has(file)) found.push(file);
    }
  }
  return found.sort();
}

describe('importing a module', () => {
  it('reads no setting, opens no connection and throws nothing, for every module under shared/ and functions/, with an empty environment', async () => {
    const files = await modules();
    assert.ok(files.length > 100, `found only ${files.length} modules`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/import-probe.ts', ...files], {
      cwd: root,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const { read, connections, failed } = JSON.parse(run.stdout) as { read: string[]; connections: string[]; failed: string[] };
    assert.deepEqual(failed, []);
    assert.deepEqual(read, []);
    assert.deepEqual(connections, []);
  });

  it('is caught reading a setting: the probe reports a module that calls loadConfig when it loads', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/import-probe.ts', 'functions/index.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const { read } = JSON.parse(run.stdout) as { read: string[] };
    assert.deepEqual(read, ['(every setting)']);
  });
});
