// checkov (PyPI, pinned and cached by scripts/tools/python-tool.sh) over what reaches a cluster or
// CI: the chart rendered with each values file, the generated knative/ and dapr/ manifests, the
// Dockerfile, the workflows and the Terraform. Zero failed checks; what is skipped is skipped here,
// each on its own line with the reason, or on the object it concerns (checkov.io/skip annotations).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { helmTemplate } from '../manifests/helm.ts';
import { filesUnder, root } from './paths.ts';

export const checkovSkips: Record<string, string> = {
  CKV_K8S_11: 'CPU limits: memory only, on purpose: a CPU limit throttles a request burst that the request (the scheduling guarantee) already pays for',
  CKV_K8S_15: 'imagePullPolicy Always: CD deploys by digest (image.digest), which cannot change; Always adds a registry round trip to every cold start',
  CKV_K8S_43: 'image digest: CD sets image.digest (test/chart-rules.test.ts checks it reaches every pod); the values files name a tag for installs by hand',
  CKV_K8S_40: 'high UID: the image runs as 1000 (Dockerfile USER 1000:1000), non-root, read-only root, no capabilities, no privilege escalation',
  CKV_K8S_35: 'Secrets as files: shared/config.ts reads and validates the environment once; the values come from secretKeyRefs, never from the chart',
  CKV2_K8S_6: 'NetworkPolicy: Knative activator/ingress and Dapr reach the pods from other namespaces; event endpoints authenticate every caller instead (app API token, OIDC)',
};

// Files checkov cannot parse, and why; any other parsing error is a finding.
export const notParsed = new Map([
  ['infra/terraform/azure/alerts.tf', "python-hcl2 rejects the attribute name `for`, which azurerm_monitor_alert_prometheus_rule_group requires; the file holds only the alert rule groups"],
]);

const frameworks = ['kubernetes', 'dockerfile', 'github_actions', 'terraform'];

export interface CheckovFinding {
  file: string;
  check: string;
  message: string;
}

/** The pinned checkov CLI, installed on first use. */
function checkovBinary(): string {
  const out = execFileSync('bash', [path.join(root, 'scripts/tools/python-tool.sh'), 'checkov'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1)!;
}

// helm installs every object into the release namespace and the generated manifests are applied
// with -n; the files name none, which checkov reads as "default".
function inNamespace(text: string): string {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, { namespace?: string }> | null)
    .filter((o) => o !== null)
    .map((o) => `---\n${stringify({ ...o, metadata: { namespace: 'taskfn', ...o.metadata } }, { lineWidth: 0 })}`)
    .join('');
}

/** Copies what is checked into one directory, so one checkov run reads it all. */
function stage(repo: string, valuesFiles: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkov-'));
  mkdirSync(path.join(dir, 'chart'));
  for (const values of valuesFiles) {
    const text = helmTemplate(path.join(repo, 'helm/taskfn'), { values: [values] }).map((r) => r.doc.toString()).join('---\n');
    writeFileSync(path.join(dir, 'chart', path.basename(values)), inNamespace(text));
  }
  for (const sub of ['knative', 'dapr']) {
    for (const file of existsSync(path.join(repo, sub)) ? filesUnder(path.join(repo, sub), ['.yaml', '.yml']) : []) {
      const to = path.join(dir, path.relative(repo, file));
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, inNamespace(readFileSync(file, 'utf8')));
    }
  }
  for (const sub of ['Dockerfile', '.github/workflows', 'infra']) {
    if (existsSync(path.join(repo, sub))) cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true, filter: (from) => !notParsed.has(path.relative(repo, from)) });
  }
  return dir;
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: { check_id: string; check_name: string; file_path: string; resource: string; file_line_range: number[] }[] };
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number };
}

export function checkov(repo: string, valuesFiles: string[]): { findings: CheckovFinding[]; passed: number; skipped: number } {
  const dir = stage(repo, valuesFiles);
  try {
    const args = ['-d', dir, '--framework', ...frameworks, '--skip-download', '--quiet', '--compact', '-o', 'json', '--skip-check', Object.keys(checkovSkips).join(',')];
    // BC_SKIP_MAPPING: no call home for guideline links (the machines reach no such host).
    // LOG_LEVEL is checkov's own setting too, and the project's pino levels are not its levels.
    const { LOG_LEVEL: _, ...env } = process.env;
    const res = spawnSync(checkovBinary(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...env, BC_SKIP_MAPPING: 'TRUE' } });
    // 0: all passed, 1: failed checks; anything else, or no report, is checkov failing.
    if ((res.status !== 0 && res.status !== 1) || !/^[[{]/.test(res.stdout.trim())) {
      return { findings: [{ file: dir, check: 'checkov', message: `exited ${res.status} without a report: ${res.error?.message ?? res.stderr.slice(-2000)}` }], passed: 0, skipped: 0 };
    }
    // One JSON document, or a list of them with several frameworks.
    const parsed = JSON.parse(res.stdout) as CheckovReport | CheckovReport[];
    const reports = Array.isArray(parsed) ? parsed : [parsed];
    const findings: CheckovFinding[] = [];
    let passed = 0;
    let skipped = 0;
    for (const r of reports.filter((r) => r.results)) {
      passed += r.summary.passed;
      skipped += r.summary.skipped;
      if (r.summary.parsing_errors > 0) findings.push({ file: r.check_type, check: 'parsing', message: `${r.summary.parsing_errors} files checkov could not parse` });
      for (const f of r.results.failed_checks) {
        findings.push({ file: `${f.file_path.replace(/^\//, '')}:${f.file_line_range[0]}`, check: f.check_id, message: `${f.check_name} (${f.resource})` });
      }
    }
    return { findings, passed, skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
