// The chart through the pinned helm: `helm lint --strict` and `helm template`, once per values file
// (values.yaml, then each values-*.yaml over it, as `helm install -f` layers them).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { crdApiVersions } from './crd-schemas.ts';
import { kubernetesVersion } from './paths.ts';
import { goTool } from './tools.ts';
import type { Finding, Source } from './validate.ts';

const run = promisify(execFile);

// [] without a chart. values.yaml comes first; giving it with --values again changes nothing.
export function valuesFiles(chart: string): string[] {
  if (!existsSync(path.join(chart, 'Chart.yaml'))) return [];
  const files = readdirSync(chart).filter((f) => /^values(-.+)?\.ya?ml$/.test(f));
  const own = files.filter((f) => /^values\.ya?ml$/.test(f));
  return [...own, ...files.filter((f) => !own.includes(f)).sort()].map((f) => path.join(chart, f));
}

const label = (chart: string, values: string) => `${path.basename(chart)} with ${path.basename(values)}`;

export async function helmLint(chart: string, values: string): Promise<Finding[]> {
  const args = ['lint', '--strict', '--kube-version', kubernetesVersion, '--values', values, chart];
  try {
    await run(goTool('helm'), args);
    return [];
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    // Everything but the banner, [INFO] hints and the tally: an [ERROR] continues on the lines after it.
    const lines = `${stdout}\n${stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^(==> Linting|\[INFO\])|chart\(s\) linted/.test(l));
    return [{ source: label(chart, values), message: `helm lint --strict: ${lines.join('; ') || stderr.trim()}` }];
  }
}

// The rendered documents, each labelled with the template it came from. The cluster modelled has
// every CRD under schemas/crds installed, so templates guarded by .Capabilities.APIVersions render.
export async function helmTemplate(chart: string, values: string): Promise<Source[] | Finding> {
  const apiVersions = crdApiVersions().flatMap((v) => ['--api-versions', v]);
  const args = ['template', 'taskfn', chart, '--namespace', 'taskfn', '--kube-version', kubernetesVersion];
  try {
    const { stdout } = await run(goTool('helm'), [...args, ...apiVersions, '--values', values], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout
      .split(/^---\s*$/m)
      .filter((doc) => doc.trim() !== '')
      .map((text) => ({ label: `${label(chart, values)}: ${/^# Source: (.+)$/m.exec(text)?.[1] ?? 'rendered'}`, text }));
  } catch (error) {
    return { source: label(chart, values), message: `helm template: ${(error as { stderr?: string }).stderr?.trim()}` };
  }
}
