// The rules no schema expresses (scripts/checks/chart-rules.ts), over the chart rendered with every
// values file for a cluster, in both event wirings; and each rule against a fixture that must fail
// (test/fixtures/chart-rules, each from the chart as it was before the rule existed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { chartRules, checkChartRules, longestHoldSeconds, timeoutMarginSeconds } from '../scripts/checks/chart-rules.ts';
import { helmBinary, helmTemplate } from '../scripts/manifests/helm.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

const chart = path.join(import.meta.dirname, '..', 'helm', 'taskfn');
const fixtures = path.join(import.meta.dirname, 'fixtures', 'chart-rules');
// values-selfhosted.yaml is for daprd on a laptop, never a cluster.
const clusterValues = ['values.yaml', 'values-local.yaml', 'values-digitalocean.yaml', 'values-azure.yaml'];
const render = (file: string, set: Record<string, string> = {}): Obj[] => helmTemplate(chart, { values: [path.join(chart, file)], set }).map((r) => r.obj as Obj);
const renders = clusterValues.flatMap((file) => ['dapr', 'knative'].map((wiring) => ({ label: `${file}, eventWiring=${wiring}`, objects: render(file, { eventWiring: wiring }) })));
const ruleName = (fn: string) => fn.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const show = (findings: { rule: string; resource: string; message: string }[]) => findings.map((f) => `  ${f.rule} ${f.resource}: ${f.message}`).join('\n');

describe('chart rules', { timeout: 300_000 }, () => {
  it('finds nothing in the chart rendered with every cluster values file, in both wirings', () => {
    for (const { label, objects } of renders) {
      const findings = checkChartRules(objects);
      assert.deepEqual(findings, [], `${label}:\n${show(findings)}`);
    }
  });

  describe('fails each fixture on its own rule', () => {
    for (const file of readdirSync(fixtures).sort()) {
      const text = readFileSync(path.join(fixtures, file), 'utf8');
      const expected = /^# expect: (.+)$/m.exec(text)![1]!.trim();
      it(`${expected}: ${/^# (?!expect)(.+)$/m.exec(text)![1]}`, () => {
        const objects = parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
        const [fn] = Object.entries(chartRules).find(([fn]) => ruleName(fn) === expected)!;
        const findings = chartRules[fn as keyof typeof chartRules](objects);
        assert.ok(findings.length > 0, `${file} passes ${expected}`);
        assert.ok(findings.every((f) => f.rule === expected), show(findings));
      });
    }
  });

  it('has a failing fixture for every rule', () => {
    const covered = new Set(readdirSync(fixtures).map((f) => /^# expect: (.+)$/m.exec(readFileSync(path.join(fixtures, f), 'utf8'))![1]!.trim()));
    assert.deepEqual(Object.keys(chartRules).map(ruleName).filter((r) => !covered.has(r)), []);
  });

  it('lets the web app through: / and its hashed assets, and nothing below / else', () => {
    const route = (type: string, value: string): Obj => ({
      kind: 'HTTPRoute',
      metadata: { name: 'web' },
      spec: { rules: [{ matches: [{ path: { type, value } }], backendRefs: [{ name: 'kourier-internal' }], timeouts: { request: '40s' } }] },
    });
    assert.deepEqual(chartRules.publicRoutes([route('Exact', '/'), route('PathPrefix', '/assets/')]), []);
    for (const [type, value] of [['PathPrefix', '/'], ['PathPrefix', '/events'], ['RegularExpression', '^/.*$'], ['Exact', '/metrics']] as const) {
      assert.ok(chartRules.publicRoutes([route(type, value)]).length > 0, `${type} ${value}`);
    }
  });

  it(`holds every public timeout above the ${longestHoldSeconds} s long-poll plus ${timeoutMarginSeconds} s, with any function's override`, () => {
    const objects = render('values-digitalocean.yaml', { 'functionOverrides.get-tasks.timeoutSeconds': '30' });
    assert.deepEqual(chartRules.timeouts(objects).map((f) => f.resource), ['Service/get-tasks']);
    assert.ok(chartRules.timeouts(render('values-digitalocean.yaml', { 'gateway.requestTimeout': '30s' })).length > 0);
  });

  it('runs the functions and jobs by digest when image.digest is set', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = render('values-digitalocean.yaml', { 'image.digest': digest });
    const images = objects.flatMap((o) => (o.spec?.template?.spec?.containers ?? []) as Obj[]).map((c) => c.image as string).filter((i) => i.includes('taskfn/taskfn'));
    assert.ok(images.length > 10);
    for (const image of images) assert.equal(image, `registry.digitalocean.com/taskfn/taskfn@${digest}`);
  });

  it('refuses a secretstores.kubernetes component: the pods mount no API token', () => {
    for (const { label, objects } of renders) {
      assert.ok(!objects.some((o) => o.kind === 'Component' && o.spec.type === 'secretstores.kubernetes'), label);
    }
  });

  it('installs on the Kubernetes versions DOKS and AKS offer, and refuses the seed\'s 1.28.2-do.0', () => {
    const template = (version: string) => spawnSync(helmBinary(), ['template', 'taskfn', chart, '--kube-version', version, '-f', path.join(chart, 'values-digitalocean.yaml')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const version of ['1.33.1-do.0', '1.34.1-do.2', '1.35.0-do.0', '1.33.3', '1.34.0', '1.35.1']) assert.equal(template(version).status, 0, version);
    const old = template('1.28.2-do.0');
    assert.notEqual(old.status, 0);
    assert.match(old.stderr, /requires kubeVersion: >=1\.33\.0-0/);
  });

  it('renders Azure Managed Prometheus objects for Azure, and refuses a PrometheusRule it would ignore', () => {
    const objects = render('values-azure.yaml');
    assert.deepEqual(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.apiVersion), ['azmonitoring.coreos.com/v1']);
    assert.throws(() => render('values-azure.yaml', { 'monitoring.prometheusRule.enabled': 'true' }), /reads no PrometheusRule/);
  });
});
