import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Document, parseAllDocuments } from 'yaml';

const root = path.join(import.meta.dirname, '..', '..');

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };

/** A rendered object: its YAML document (with the templates' comments) and its value. */
export interface Rendered {
  doc: Document;
  obj: Manifest;
}

/**
 * The pinned helm the project builds from the Go module proxy (scripts/tools/go-tools.sh, built
 * once into .cache/tools); without that script, a helm already built there.
 */
export function helmBinary(): string {
  const installer = path.join(root, 'scripts/tools/go-tools.sh');
  if (existsSync(installer)) {
    const res = spawnSync('bash', [installer, 'helm'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    const bin = res.stdout.trim().split('\n').at(-1);
    if (res.status !== 0 || !bin) throw new Error(`scripts/tools/go-tools.sh helm failed (${res.status ?? res.signal})`);
    return bin;
  }
  const tools = path.join(root, '.cache/tools');
  const built = (existsSync(tools) ? readdirSync(tools) : []).filter((d) => /^helm-v[\d.]+$/.test(d)).sort().at(-1);
  if (!built) throw new Error('helm is needed: scripts/tools/go-tools.sh helm builds it into .cache/tools');
  return path.join(tools, built, 'helm');
}

/** `helm template` of a chart directory with values files (and --set pairs), one entry per object. */
interface TemplateOptions {
  values?: string[];
  set?: Record<string, string>;
  namespace?: string;
}

export function helmTemplate(chart: string, { values = [], set = {}, namespace = 'taskfn' }: TemplateOptions = {}): Rendered[] {
  const args = ['template', 'taskfn', chart, '--namespace', namespace, ...values.flatMap((v) => ['-f', v]), ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
  const res = spawnSync(helmBinary(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${res.stderr}`);
  const rendered: Rendered[] = [];
  for (const doc of parseAllDocuments(res.stdout)) {
    if (doc.errors.length > 0) throw new Error(`helm ${args.join(' ')} rendered invalid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as Manifest | null;
    if (obj !== null) rendered.push({ doc, obj });
  }
  return rendered;
}
