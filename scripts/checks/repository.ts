// The repository's deployment material: every file under knative/ and dapr/ (but the few that are
// not Kubernetes objects, named below), the chart rendered with each values file after
// `helm lint --strict` of the same, and the GitHub Actions workflows.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { helmLint, helmTemplate, valuesFiles } from './helm.ts';
import { filesUnder, root } from './paths.ts';
import { validate, type Finding, type Report, type Source } from './validate.ts';
import { actionlint } from './workflows.ts';

export const manifestDirs = ['knative', 'dapr'];

// Files under manifestDirs that kubectl would not take, and why. Any other file that is not a
// Kubernetes object fails the check, so a new one is a decision made here.
export const notKubernetes = new Map([
  ['dapr/secrets.example.json', 'the shape of the self-hosted secret store file'],
  ['dapr/secrets.json', 'the self-hosted secret store file (git-ignored)'],
]);

export type RepositoryReport = Report & { valuesFiles: string[]; skipped: string[]; workflows: string[] };

export function committedManifests(repo = root): { sources: Source[]; skipped: string[] } {
  const files = manifestDirs
    .map((dir) => path.join(repo, dir))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => filesUnder(dir, ['.yaml', '.yml', '.json']))
    .map((file) => path.relative(repo, file));
  return {
    sources: files
      .filter((file) => !notKubernetes.has(file))
      .map((file) => ({ label: file, text: readFileSync(path.join(repo, file), 'utf8') })),
    skipped: files.filter((file) => notKubernetes.has(file)),
  };
}

export const workflowFiles = (repo: string) => {
  const dir = path.join(repo, '.github', 'workflows');
  return existsSync(dir) ? filesUnder(dir, ['.yml', '.yaml']) : [];
};

// The chart, the committed Knative manifests and the workflows are what the check exists for:
// without them it fails rather than passing over nothing.
function missing(repo: string, sources: Source[], charted: boolean, workflows: string[]): Finding[] {
  const findings: Finding[] = [];
  if (workflows.length === 0) {
    findings.push({ source: '.github/workflows', message: `no workflows under ${path.join(repo, '.github/workflows')}` });
  }
  if (!charted) {
    findings.push({ source: 'helm/taskfn', message: `no chart: ${path.join(repo, 'helm/taskfn/Chart.yaml')} is missing` });
  }
  if (!sources.some((s) => s.label.startsWith(`knative${path.sep}`))) {
    findings.push({ source: 'knative/', message: `no Knative manifests under ${path.join(repo, 'knative')}` });
  }
  return findings;
}

export async function checkRepository(repo = root): Promise<RepositoryReport> {
  const { sources, skipped } = committedManifests(repo);
  const chart = path.join(repo, 'helm', 'taskfn');
  const values = valuesFiles(chart);
  const workflows = workflowFiles(repo);
  const findings = missing(repo, sources, values.length > 0, workflows);
  findings.push(...(await actionlint(workflows.map((w) => path.relative(repo, w)), repo)));
  for (const file of values) {
    findings.push(...(await helmLint(chart, file)));
    const rendered = await helmTemplate(chart, file);
    if (Array.isArray(rendered)) sources.push(...rendered);
    else findings.push(rendered);
  }
  const report = await validate(sources);
  return {
    ...report,
    findings: [...findings, ...report.findings],
    valuesFiles: values.map((v) => path.basename(v)),
    skipped,
    workflows: workflows.map((w) => path.relative(repo, w)),
  };
}
