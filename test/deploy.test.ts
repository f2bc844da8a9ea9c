import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parse } from 'yaml';

// npm run deploy: the commands it runs and what it does when one fails. No cluster here: helm,
// kubectl and the validation are stand-ins that log their arguments and fail when told to
// (FAIL names the step, HISTORY is what `helm history -o json` prints).

const root = path.join(import.meta.dirname, '..');
const chart = path.join(root, 'helm/taskfn');
let dir: string;
const stand = (name: string) => `#!/bin/sh
echo "${name} $*" >> "${'$'}LOG"
case " ${name} $* " in
  *" ${name} history "*) printf '%s' "${'$'}HISTORY" ;;
esac
case " ${name} $1 " in *" ${'$'}FAIL "*) exit 1 ;; esac
exit 0
`;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deploy-'));
  for (const name of ['helm', 'kubectl', 'validate']) {
    await writeFile(path.join(dir, name), stand(name));
    await chmod(path.join(dir, name), 0o755);
  }
});
beforeEach(() => writeFile(path.join(dir, 'log'), ''));
after(() => rm(dir, { recursive: true, force: true }));

const installed = JSON.stringify([
  { revision: 3, status: 'superseded' },
  { revision: 4, status: 'deployed' },
]);
function deploy(args: string[], { fail = 'none', history = installed } = {}) {
  return spawnSync('bash', [path.join(root, 'scripts/deploy.sh'), ...args], {
    env: { ...process.env, HELM: path.join(dir, 'helm'), KUBECTL: path.join(dir, 'kubectl'), VALIDATE: path.join(dir, 'validate'), LOG: path.join(dir, 'log'), FAIL: fail, HISTORY: history },
    encoding: 'utf8',
  });
}
const log = async () => (await readFile(path.join(dir, 'log'), 'utf8')).trim().split('\n');
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('deploy', () => {
  it('installs by digest, waits for every Knative Service to be Ready, then validates through the public host', async () => {
    const run = deploy(['digitalocean', '--namespace', 'prod', '--digest', digest, '--repository', 'registry.digitalocean.com/taskfn/taskfn', '--smoke-host', 'api.taskfn.example.com', '--timeout', '8m', '--debug']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(await log(), [
      'helm history taskfn --namespace prod --max 20 -o json',
      `helm upgrade --install taskfn ${chart} --namespace prod --create-namespace --wait --timeout 8m -f ${chart}/values-digitalocean.yaml --set-string image.digest=${digest} --set-string image.repository=registry.digitalocean.com/taskfn/taskfn --debug`,
      'kubectl wait ksvc --all --namespace prod --for=condition=Ready --timeout 8m',
      'validate --namespace prod --host api.taskfn.example.com',
    ]);
  });

  it('rolls back to the revision deployed before when a Knative Service does not become Ready', async () => {
    const run = deploy(['azure', '--tag', 'abc'], { fail: 'kubectl' });
    assert.equal(run.status, 1);
    assert.equal((await log()).at(-1), 'helm rollback taskfn 4 --namespace taskfn --wait --timeout 10m');
  });

  it('rolls back when the smoke call through the public host fails', async () => {
    const run = deploy(['azure', '--smoke-host', 'api.taskfn.example.com'], { fail: 'validate' });
    assert.equal(run.status, 1);
    assert.equal((await log()).at(-1), 'helm rollback taskfn 4 --namespace taskfn --wait --timeout 10m');
  });

  it('rolls back when helm itself fails (a hook Job, or a timeout)', async () => {
    const run = deploy(['digitalocean'], { fail: 'upgrade' });
    assert.equal(run.status, 1);
    assert.deepEqual((await log()).slice(-2), [
      `helm upgrade --install taskfn ${chart} --namespace taskfn --create-namespace --wait --timeout 10m -f ${chart}/values-digitalocean.yaml`,
      'helm rollback taskfn 4 --namespace taskfn --wait --timeout 10m',
    ]);
  });

  it('uninstalls a failed first install: there is no revision to roll back to', async () => {
    const run = deploy(['digitalocean'], { fail: 'kubectl', history: '' });
    assert.equal(run.status, 1);
    assert.equal((await log()).at(-1), 'helm uninstall taskfn --namespace taskfn --wait --timeout 10m');
  });

  it('refuses a target without a values file, the self-hosted values that are not for a cluster, and a digest that is not one', () => {
    for (const target of ['nowhere', 'selfhosted', '']) {
      const run = deploy([target]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^usage: npm run deploy -- <local\|digitalocean\|azure>/);
    }
    assert.equal(deploy(['digitalocean', '--digest', 'latest']).status, 2);
  });
});

describe('the CD workflow', () => {
  const workflow = async () => parse(await readFile(path.join(root, '.github/workflows/cd.yml'), 'utf8')) as { jobs: Record<string, { permissions?: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, string> }[] }> };

  it('holds no long-lived cluster credential: DOKS kubeconfig and registry login expire, Azure comes by OIDC', async () => {
    const text = await readFile(path.join(root, '.github/workflows/cd.yml'), 'utf8');
    assert.doesNotMatch(text, /secrets\.KUBECONFIG|KUBECONFIG_CONTENT/);
    const [job] = Object.values((await workflow()).jobs);
    const runs = job!.steps.map((s) => s.run ?? '').join('\n');
    assert.match(runs, /doctl kubernetes cluster kubeconfig save --expiry-seconds \d+/);
    assert.match(runs, /doctl registry login --expiry-seconds \d+/);
    assert.equal(job!.permissions?.['id-token'], 'write');
    const login = job!.steps.find((s) => s.uses?.startsWith('azure/login@'));
    assert.ok(login?.with?.['client-id'] && !login.with.creds, 'azure/login by OIDC federation, no client secret');
    assert.ok(job!.steps.some((s) => s.uses?.startsWith('azure/aks-set-context@')));
  });

  it('deploys the digest it pushed through npm run deploy, which waits, smoke-tests and rolls back', async () => {
    const [job] = Object.values((await workflow()).jobs);
    const build = job!.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    assert.equal(String(build?.with?.push), 'true');
    assert.match(job!.steps.map((s) => s.run ?? '').join('\n'), /npm run deploy -- "\$CLOUD" .*--digest "\$DIGEST"[\s\S]*--smoke-host "\$PUBLIC_HOST"/);
  });
});
