// npm run check:manifests [-- <repository dir>]: the chart (helm lint --strict, helm template with
// each values file) and every manifest under knative/ and dapr/ against the real schemas
// (kubeconform -strict), Dapr's component metadata specs and promtool; exits 1 on any finding.
import path from 'node:path';
import { kubernetesVersion } from './checks/paths.ts';
import { checkRepository } from './checks/repository.ts';

const started = Date.now();
const repo = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const report = await checkRepository(repo);
for (const { source, resource, message } of report.findings) {
  process.stdout.write(`${source}${resource ? ` ${resource}` : ''}: ${message}\n`);
}
for (const file of report.skipped) process.stdout.write(`${file}: not a Kubernetes object, skipped\n`);
process.stdout.write(
  `[check:manifests] ${report.resources.length} resources (Kubernetes ${kubernetesVersion} + CRDs, strict), ` +
    `chart rendered with ${report.valuesFiles.join(', ') || 'no values files'}, ${report.ruleObjects} PrometheusRules through promtool: ` +
    `${report.findings.length === 0 ? 'all valid' : `${report.findings.length} problems`} ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
);
process.exitCode = report.findings.length === 0 ? 0 : 1;
