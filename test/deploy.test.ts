import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

// npm run deploy: the helm command it runs (no cluster here; HELM points at a stand-in that
// records its arguments).

const root = path.join(import.meta.dirname, '..');
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deploy-'));
  await writeFile(path.join(dir, 'helm'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\n`);
  await chmod(path.join(dir, 'helm'), 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

const deploy = (...args: string[]) => spawnSync('bash', [path.join(root, 'scripts/deploy.sh'), ...args], { env: { ...process.env, HELM: path.join(dir, 'helm') }, encoding: 'utf8' });

describe('deploy', () => {
  it('installs or upgrades atomically with the target cloud\'s values, so a failed release rolls back', async () => {
    const run = deploy('digitalocean', '--namespace', 'prod', '--tag', '1.2.3', '--debug');
    assert.equal(run.status, 0, run.stderr);
    const chart = path.join(root, 'helm/taskfn');
    assert.deepEqual((await readFile(path.join(dir, 'args'), 'utf8')).trim().split('\n'), [
      'upgrade', '--install', 'taskfn', chart,
      '--namespace', 'prod', '--create-namespace',
      '--atomic', '--wait', '--timeout', '10m',
      '-f', path.join(chart, 'values-digitalocean.yaml'),
      '--set-string', 'image.tag=1.2.3',
      '--debug',
    ]);
  });

  it('refuses a target without a values file, and the self-hosted values that are not for a cluster', () => {
    for (const target of ['nowhere', 'selfhosted', '']) {
      const run = deploy(target);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^usage: npm run deploy -- <local\|digitalocean\|azure>/);
    }
  });
});
