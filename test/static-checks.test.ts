import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkov } from '../scripts/checks/checkov.ts';
import { shellcheck } from '../scripts/checks/shellcheck.ts';

// npm run check:static's tools catch what they exist for: a repository holding one mistake each
// (the repository itself passing is .ci/run's check:static step).

let repo: string;
before(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'static-checks-'));
  await mkdir(path.join(repo, 'knative'));
  await mkdir(path.join(repo, 'scripts'));
  await writeFile(
    path.join(repo, 'knative', 'privileged.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels: {app: bad}\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n        - name: bad\n          image: example/bad:1\n          securityContext:\n            privileged: true\n',
  );
  await writeFile(path.join(repo, 'scripts', 'unquoted'), '#!/usr/bin/env bash\nrm -rf $1/cache\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['add', '.'], { cwd: repo });
});
after(() => rm(repo, { recursive: true, force: true }));

describe('static checks', { timeout: 10 * 60_000 }, () => {
  it('shellcheck reports an unquoted expansion in a tracked script without a .sh name', () => {
    const { files, findings } = shellcheck(repo);
    assert.deepEqual(files, ['scripts/unquoted']);
    assert.ok(findings.some((f) => f.includes('SC2086')), findings.join('\n'));
  });

  it('checkov fails a privileged container in the generated manifests', () => {
    const { findings } = checkov(repo, []);
    assert.ok(findings.some((f) => f.check === 'CKV_K8S_16' && f.file.startsWith('knative/privileged.yaml')), JSON.stringify(findings, null, 1));
  });
});
