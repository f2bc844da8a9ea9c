import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

// scripts/cloud/*.sh --dry-run: every step printed, nothing run. The cloud and cluster CLIs are
// stand-ins that record any call, so a dry run that ran one fails here.

const root = path.join(import.meta.dirname, '..');
let bin: string;
before(async () => {
  bin = await mkdtemp(path.join(tmpdir(), 'cloud-'));
  for (const tool of ['doctl', 'az', 'kubectl', 'kubelogin', 'helm', 'docker', 'terraform', 'tofu', 'npm']) {
    await writeFile(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${bin}/called"\nexit 1\n`);
    await chmod(path.join(bin, tool), 0o755);
  }
});
after(() => rm(bin, { recursive: true, force: true }));

const dryRun = (script: string) =>
  spawnSync('bash', [path.join(root, 'scripts/cloud', script), '--dry-run'], {
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME },
    encoding: 'utf8',
  });
const called = () => readFile(path.join(bin, 'called'), 'utf8').catch(() => '');

describe('cloud provisioning, dry run', () => {
  it('DigitalOcean: prints registry, a current DOKS version, the add-ons and a deploy by digest, and runs none of it', async () => {
    const run = dryRun('digitalocean.sh');
    assert.equal(run.status, 0, run.stderr);
    for (const step of [
      /^\+ doctl registry create taskfn /m,
      /^\+ doctl kubernetes cluster create todo-app-phase5 --region nyc3 --version .*1\.33\+.* --node-pool name=worker-pool\\;size=s-4vcpu-8gb/m,
      /^\+ doctl kubernetes cluster registry add todo-app-phase5$/m,
      /^\+ helm upgrade --install dapr dapr\/dapr --version 1\.16\.5 /m,
      /^\+ kubectl apply -f https:\/\/github\.com\/knative\/serving\/releases\/download\/knative-v1\.21\.0\/serving-core\.yaml$/m,
      /^\+ kubectl apply -f https:\/\/github\.com\/knative\/eventing\/releases\/download\/knative-v1\.21\.0\/eventing-core\.yaml$/m,
      /^\+ helm upgrade --install eg oci:\/\/docker\.io\/envoyproxy\/gateway-helm /m,
      /^\+ helm upgrade --install cert-manager jetstack\/cert-manager /m,
      /^\+ helm upgrade --install kube-prometheus-stack prometheus-community\/kube-prometheus-stack /m,
      /^\+ doctl registry kubernetes-manifest --namespace taskfn --name registry-taskfn \| kubectl apply -f -$/m,
      /^\+ npm --prefix \S+ run deploy -- digitalocean --repository registry\.digitalocean\.com\/taskfn\/taskfn --digest /m,
    ]) assert.match(run.stdout, step);
    assert.equal(await called(), '');
  });

  it('Azure: prints Terraform, the ALB controller and its load balancer, External Secrets, the add-ons and a deploy by digest, and runs none of it', async () => {
    const run = dryRun('azure.sh');
    assert.equal(run.status, 0, run.stderr);
    for (const step of [
      /^\+ \S+ -chdir=\S+\/infra\/terraform\/azure apply /m,
      /^\+ az aks get-credentials /m,
      /^\+ helm upgrade --install alb-controller oci:\/\/mcr\.microsoft\.com\/application-lb\/charts\/alb-controller /m,
      /^kind: ApplicationLoadBalancer$/m,
      /^\+ helm upgrade --install external-secrets external-secrets\/external-secrets /m,
      /^\+ az acr login --name /m,
      /^\+ npm --prefix \S+ run deploy -- azure --repository \S+ --digest /m,
    ]) assert.match(run.stdout, step);
    assert.equal(await called(), '');
  });

  it('refuses to run for real without the settings it needs, naming the first', () => {
    const run = spawnSync('bash', [path.join(root, 'scripts/cloud/digitalocean.sh')], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^ACME_EMAIL is required/);
  });
});
