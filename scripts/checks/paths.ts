// Where the checks find the repository, the committed schemas and their derived, cached forms.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const schemasDir = path.join(root, 'schemas');
export const cacheDir = path.join(root, '.cache', 'schemas');

// The Kubernetes version the chart targets; core schemas and `helm template` use it.
export const kubernetesVersion = '1.34.2';

// A short digest of files' contents, so a cache entry changes when its inputs or its converter do.
export function digest(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

export function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => extensions.some((ext) => entry.endsWith(ext)))
    .map((entry) => path.join(dir, entry))
    .sort();
}
