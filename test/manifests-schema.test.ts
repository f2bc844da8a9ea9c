// The manifest checks with the real tools (helm, kubeconform, promtool, actionlint built by
// scripts/tools/go-tools.sh) and the real schemas: the repository passes, and every kind of mistake
// the checks exist for is caught (test/fixtures/manifests/bad, each naming what it expects).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { helmLint, helmTemplate } from '../scripts/checks/helm.ts';
import { checkRepository, type RepositoryReport } from '../scripts/checks/repository.ts';
import { validate, type Finding, type Report, type Source } from '../scripts/checks/validate.ts';
import { actionlint } from '../scripts/checks/workflows.ts';
import { eventually } from './helpers.ts';
import { exited } from './processes.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const root = path.join(import.meta.dirname, '..');

const read = (dir: string): Source[] =>
  readdirSync(dir)
    .sort()
    .map((file) => ({ label: file, text: readFileSync(path.join(dir, file), 'utf8') }));
const expected = (text: string) => [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!.trim());
const show = (findings: Finding[]) =>
  findings.map((f) => `  ${f.source}${f.resource ? ` ${f.resource}` : ''}: ${f.message}`).join('\n');

const bad = read(path.join(fixtures, 'manifests', 'bad'));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
const killGroup = (pgid: number) => groupAlive(pgid) && process.kill(-pgid, 'SIGKILL');

// A fresh machine builds the tools inside the first test that needs them (minutes, progress on stderr).
describe('manifest checks', { timeout: 45 * 60_000 }, () => {
  describe('fixtures', () => {
    it('accepts correct core, Knative, Dapr, Gateway API and prometheus-operator objects', async () => {
      const report = await validate(read(path.join(fixtures, 'manifests', 'good')));
      assert.deepEqual(report.findings, [], show(report.findings));
      for (const kind of [
        'batch/v1 Job',
        'v1 ConfigMap',
        'serving.knative.dev/v1 Service',
        'sources.knative.dev/v1beta1 KafkaSource',
        'sources.knative.dev/v1 PingSource',
        'gateway.networking.k8s.io/v1 HTTPRoute',
        'dapr.io/v1alpha1 Component',
        'dapr.io/v2alpha1 Subscription',
        'dapr.io/v1alpha1 Resiliency',
        'dapr.io/v1alpha1 Configuration',
        'monitoring.coreos.com/v1 PrometheusRule',
        'monitoring.coreos.com/v1 ServiceMonitor',
      ]) {
        assert.ok(report.resources.includes(kind), `${kind} validated (got ${report.resources.join(', ')})`);
      }
      assert.equal(report.ruleObjects, 1);
    });

    describe('rejects each deliberate mistake with the finding it names', () => {
      let report: Report;
      // One kubeconform run over all of them; each file's findings are told apart by their source.
      before(async () => {
        report = await validate(bad);
      });
      for (const source of bad) {
        const wanted = expected(source.text);
        it(`${source.label}: ${wanted.join(' / ')}`, () => {
          assert.ok(wanted.length > 0, `${source.label} says what it expects in a "# expect:" line`);
          const found = report.findings.filter((f) => f.source === source.label);
          for (const message of wanted) {
            assert.ok(found.some((f) => f.message.includes(message)), `"${message}" among:\n${show(found)}`);
          }
        });
      }
    });

    it('helm lint --strict findings reach the report; helm template labels each document with its template', async () => {
      const chart = path.join(fixtures, 'chart');
      assert.deepEqual(await helmLint(chart, path.join(chart, 'values.yaml')), []);
      const messages = (await helmLint(chart, path.join(chart, 'values-bad.yaml'))).map((f) => f.message).join('\n');
      assert.match(messages, /'\/replicas': got string, want integer/);
      assert.match(messages, /additional properties 'replica' not allowed/);
      const rendered = await helmTemplate(chart, path.join(chart, 'values.yaml'));
      assert.ok(Array.isArray(rendered));
      assert.deepEqual(
        rendered.map((r) => r.label),
        ['chart with values.yaml: lint-fixture/templates/configmap.yaml'],
      );
    });

    it('actionlint rejects a broken workflow: a misspelt run, an undefined step output, an unknown runner', async () => {
      const findings = await actionlint([path.join(fixtures, 'workflows', 'broken.yml')], root);
      const messages = findings.map((f) => f.message).join('\n');
      assert.match(messages, /step must run script with "run" section/);
      assert.match(messages, /property "nothing" is not defined/);
      assert.match(messages, /label "ubuntu-lastest" is unknown/);
    });
  });

  describe('the repository', () => {
    let report: RepositoryReport;
    before(async () => {
      report = await checkRepository(root);
    });

    it('has no finding: helm lint --strict, every manifest valid (strict), Dapr metadata, promtool, actionlint, no plaintext credential', () => {
      assert.deepEqual(report.findings, [], `npm run check:manifests:\n${show(report.findings)}`);
    });

    it('rendered the chart with values.yaml and every values-*.yaml beside it', () => {
      const chart = path.join(root, 'helm', 'taskfn');
      const overlays = readdirSync(chart).filter((f) => /^values-.+\.ya?ml$/.test(f));
      assert.deepEqual([...report.valuesFiles].sort(), ['values.yaml', ...overlays].sort());
      for (const cloud of ['values-local.yaml', 'values-digitalocean.yaml', 'values-azure.yaml']) {
        assert.ok(report.valuesFiles.includes(cloud), cloud);
      }
    });

    it('validated Knative Services, Dapr components, the HTTPRoute and the alerts through promtool', () => {
      for (const kind of ['serving.knative.dev/v1 Service', 'dapr.io/v1alpha1 Component', 'gateway.networking.k8s.io/v1 HTTPRoute']) {
        assert.ok(report.resources.includes(kind), `${kind} validated`);
      }
      assert.ok(report.ruleObjects > 0, 'a PrometheusRule went through promtool');
      assert.deepEqual(report.workflows, ['.github/workflows/cd.yml', '.github/workflows/ci.yml']);
    });

    it('fails, saying what is missing, without a chart, Knative manifests or workflows', async () => {
      const empty = await mkdtemp(path.join(tmpdir(), 'taskfn-empty-'));
      try {
        const messages = (await checkRepository(empty)).findings.map((f) => f.message).join('\n');
        assert.match(messages, /no chart: .*helm\/taskfn\/Chart\.yaml is missing/);
        assert.match(messages, /no Knative manifests under/);
        assert.match(messages, /no workflows under/);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });

  describe('scripts/tools/go-tools.sh', () => {
    const script = path.join(root, 'scripts', 'tools', 'go-tools.sh');
    let tools: string;
    let slowGo: string;
    let orphan: number | undefined;
    before(async () => {
      tools = await mkdtemp(path.join(tmpdir(), 'taskfn-tools-'));
      // A `go` that builds nothing and takes as long as a cold build: the run is killed inside it.
      slowGo = await mkdtemp(path.join(tmpdir(), 'taskfn-slow-go-'));
      await writeFile(path.join(slowGo, 'go'), '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    });
    after(async () => {
      if (orphan !== undefined) killGroup(orphan);
      await rm(tools, { recursive: true, force: true });
      await rm(slowGo, { recursive: true, force: true });
    });

    it('a run killed mid-build neither blocks nor corrupts the next: its orphaned build is stopped, its files removed', async () => {
      const env = { ...process.env, GO_TOOLS_DIR: tools };
      const killed = spawn('bash', [script, 'kubeconform'], {
        env: { ...env, PATH: `${slowGo}:${process.env.PATH}` },
        detached: true,
        stdio: 'ignore',
      });
      const tmp = await eventually(async () => (await readdir(tools)).find((f) => f.includes('.tmp.')));
      orphan = Number(await eventually(() => readFile(path.join(tools, tmp, 'pgid'), 'utf8').catch(() => '')));
      await eventually(() => readFile(`/proc/${orphan}/cmdline`, 'utf8').then((c) => c.startsWith('sleep'), () => false));
      // Killed the way a machine restart or a CI timeout kills it: the script at once, no traps run.
      process.kill(-killed.pid!, 'SIGKILL');
      await exited(killed);
      assert.ok(groupAlive(orphan), 'the build runs on in its own process group');

      const next = spawnSync('bash', [script, 'kubeconform'], { env, encoding: 'utf8' });
      assert.equal(next.status, 0, next.stderr);
      assert.match(next.stderr, new RegExp(`stopping the build a killed run left behind \\(process group ${orphan}\\)`));
      assert.ok(!groupAlive(orphan), 'the orphaned build is gone');
      const binary = next.stdout.trim();
      assert.equal(binary, path.join(tools, 'kubeconform-v0.8.0', 'kubeconform'));
      assert.match(execFileSync(binary, ['-v'], { encoding: 'utf8' }), /v0\.8\.0/);
      assert.deepEqual((await readdir(tools)).sort(), ['kubeconform-v0.8.0', 'kubeconform-v0.8.0.lock']);
      assert.deepEqual(await readdir(path.dirname(binary)), ['kubeconform']);
    });

    it('a second run finds the tool and builds nothing', () => {
      const run = spawnSync('bash', [script, 'kubeconform'], { env: { ...process.env, GO_TOOLS_DIR: tools }, encoding: 'utf8' });
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `${path.join(tools, 'kubeconform-v0.8.0', 'kubeconform')}\n`);
      assert.equal(run.stderr, '');
    });
  });
});
