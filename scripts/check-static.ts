// npm run check:static: checkov over the rendered chart (every values file), knative/, dapr/, the
// Dockerfile, the workflows and the Terraform; shellcheck over every shell script. Exits 1 on any finding.
import path from 'node:path';
import { valuesFiles } from './checks/helm.ts';
import { checkov, checkovSkips } from './checks/checkov.ts';
import { root } from './checks/paths.ts';
import { shellcheck } from './checks/shellcheck.ts';

const started = Date.now();
const shell = shellcheck(root);
for (const line of shell.findings) process.stdout.write(`shellcheck ${line}\n`);
process.stdout.write(`[check:static] shellcheck: ${shell.files.length} scripts, ${shell.findings.length} findings in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);

const checkovStarted = Date.now();
const values = valuesFiles(path.join(root, 'helm/taskfn'));
const report = checkov(root, values);
for (const f of report.findings) process.stdout.write(`checkov ${f.file}: ${f.check} ${f.message}\n`);
process.stdout.write(
  `[check:static] checkov: chart with ${values.map((v) => path.basename(v)).join(', ')}, knative/, dapr/, Dockerfile, workflows, Terraform: ` +
    `${report.passed} passed, ${report.findings.length} failed, ${report.skipped} skipped on the object, ` +
    `${Object.keys(checkovSkips).length} skipped everywhere (scripts/checks/checkov.ts) in ${((Date.now() - checkovStarted) / 1000).toFixed(1)}s\n`,
);
process.exitCode = shell.findings.length + report.findings.length === 0 ? 0 : 1;
