// kubeconform -strict over the derived core schemas, then the CRDs' schemas; a kind with neither
// fails ("could not find schema"), never skipped.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crdSchemaDir } from './crd-schemas.ts';
import { coreSchemaDir } from './kubernetes-schemas.ts';
import { kubernetesVersion } from './paths.ts';
import { goTool } from './tools.ts';
import type { Finding, Source } from './validate.ts';

type Result = { filename: string; kind: string; name: string; version: string; status: string; msg?: string };

// "... - at '/spec/replicas': got string, want integer - at ..." -> the failures themselves,
// without the allOf/anyOf wrappers that enclose them.
export function leafErrors(msg: string): string {
  const parts = msg.split(/\s*- at '([^']*)': /).slice(1);
  const leaves: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const text = parts[i + 1]!.trim();
    if (!/^('(allOf|anyOf|oneOf)' failed|validation failed)$/.test(text)) leaves.push(`${parts[i] || '/'}: ${text}`);
  }
  return leaves.length > 0 ? leaves.join('; ') : msg;
}

// resources: "<apiVersion> <kind>" of every object kubeconform saw.
export async function kubeconform(sources: Source[]): Promise<{ findings: Finding[]; resources: string[] }> {
  if (sources.length === 0) return { findings: [], resources: [] };
  const locations = [
    `${coreSchemaDir()}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    `${crdSchemaDir()}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
  ];
  const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-kubeconform-'));
  try {
    const files = await Promise.all(
      sources.map(async (source, i) => {
        const file = path.join(dir, `${String(i).padStart(4, '0')}.yaml`);
        await writeFile(file, source.text);
        return file;
      }),
    );
    const args = ['-strict', '-verbose', '-output', 'json', '-kubernetes-version', kubernetesVersion];
    const stdout = await runKubeconform(goTool('kubeconform'), [...args, ...locations.flatMap((l) => ['-schema-location', l]), ...files]);
    const { resources } = JSON.parse(stdout) as { resources: Result[] };
    const findings = resources
      .filter((r) => r.status !== 'statusValid' && r.status !== 'statusEmpty')
      .map((r) => ({
        source: sources[files.indexOf(r.filename)]?.label ?? r.filename,
        resource: r.kind ? `${r.kind}/${r.name}` : undefined,
        message: message(r),
      }));
    return { findings, resources: resources.filter((r) => r.status !== 'statusEmpty').map((r) => `${r.version} ${r.kind}`) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function message(r: Result): string {
  if (r.status === 'statusInvalid' && r.msg) return leafErrors(r.msg);
  if (r.msg?.startsWith('could not find schema')) {
    return `${r.msg} (${r.version}): neither a Kubernetes ${kubernetesVersion} kind nor a version a CRD under schemas/crds serves`;
  }
  return r.msg ?? r.status;
}

// kubeconform exits 1 when anything is invalid; its JSON report is on stdout either way.
async function runKubeconform(file: string, args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(file, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (stdout?.trim().startsWith('{')) return stdout;
    throw new Error(`kubeconform: ${stderr ?? String(error)}`, { cause: error });
  }
}
