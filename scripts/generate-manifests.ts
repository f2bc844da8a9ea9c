// npm run generate:manifests: writes knative/, the Dapr resources of dapr/, dapr.yaml and the chart's
// function list from functions/catalog.ts and the chart (see scripts/manifests/generate.ts), and deletes
// generated files nothing makes any more. `-- --check` writes nothing and fails on any difference.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { drift, driftAdvice, driftReport, generate, root } from './manifests/generate.ts';

const check = process.argv.includes('--check');
const generated = await generate();
const { changed, missing, stale } = await drift(generated);
const report = driftReport({ changed, missing, stale });

if (check) {
  if (report.length > 0) {
    process.stderr.write(`${driftAdvice}:\n${report.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${generated.size} generated files up to date\n`);
} else {
  for (const file of [...changed, ...missing]) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), generated.get(file)!);
  }
  for (const file of stale) await rm(path.join(root, file));
  process.stdout.write(report.length > 0 ? `${report.join('\n')}\n` : `${generated.size} generated files up to date\n`);
}
