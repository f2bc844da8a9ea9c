// Kubernetes' core schemas for kubeconform, derived from the OpenAPI v3 documents that ship with
// Kubernetes itself (k8s.io/kubernetes api/openapi-spec/v3), since kubeconform's default download
// is not reachable here. Written once per version into kubeconform's own layout:
//   .cache/schemas/kubernetes-<version>-<digest>/v<version>-standalone-strict/<kind>-<group>-<version>.json
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { goModuleDir } from './go-module.ts';
import { reachableDefinitions, strictSchema, type Schema } from './openapi.ts';
import { cacheDir, digest, kubernetesVersion } from './paths.ts';

type GroupVersionKind = { group: string; version: string; kind: string };

const converter = [import.meta.filename, path.join(import.meta.dirname, 'openapi.ts')];
const toDefinitions = (target: string) => target.replace('#/components/schemas/', '#/definitions/');

type Core = { definitions: Record<string, Schema>; kinds: Map<string, GroupVersionKind[]> };

// Every named schema of every group-version document, converted (names are Go package paths,
// unique), and the kinds among them.
export function coreDefinitions(version = kubernetesVersion): Core {
  const dir = path.join(goModuleDir('k8s.io/kubernetes', `v${version}`), 'api', 'openapi-spec', 'v3');
  const core: Core = { definitions: {}, kinds: new Map() };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('_openapi.json'))) {
    const doc = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      components?: { schemas?: Record<string, Schema> };
    };
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      core.definitions[name] ??= strictSchema(schema, toDefinitions);
      const gvks = schema['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
      if (gvks) core.kinds.set(name, gvks);
    }
  }
  return core;
}

// kubeconform's file name for a kind (pkg/registry/registry.go: ResourceKind + KindSuffix).
export function kubeconformFileName({ group, version, kind }: GroupVersionKind): string {
  const suffix = group === '' ? `-${version}` : `-${group.split('.')[0]}-${version}`;
  return `${kind.toLowerCase()}${suffix}.json`.toLowerCase();
}

export function coreSchemaDir(version = kubernetesVersion): string {
  const dir = path.join(cacheDir, `kubernetes-${version}-${digest(converter)}`, `v${version}-standalone-strict`);
  if (existsSync(dir)) return dir;

  const started = Date.now();
  process.stderr.write(`[schemas] deriving Kubernetes ${version} schemas from its OpenAPI v3 documents (once)...\n`);
  const { definitions, kinds } = coreDefinitions(version);
  const tmp = `${path.dirname(dir)}.tmp-${process.pid}`;
  mkdirSync(path.join(tmp, path.basename(dir)), { recursive: true });
  const written = new Map<string, string>();
  for (const [name, gvks] of kinds) {
    const schema = definitions[name]!;
    for (const gvk of gvks) {
      const file = kubeconformFileName(gvk);
      const previous = written.get(file);
      // Shared meta types (DeleteOptions, WatchEvent) list every group; each file holds one kind.
      if (previous !== undefined && previous !== name) {
        throw new Error(`${file}: both ${previous} and ${name}`);
      }
      if (previous !== undefined) continue;
      const standalone = { ...schema, definitions: reachableDefinitions(schema, definitions) };
      writeFileSync(path.join(tmp, path.basename(dir), file), JSON.stringify(standalone));
      written.set(file, name);
    }
  }
  publish(tmp, path.dirname(dir));
  process.stderr.write(`[schemas] ${written.size} Kubernetes kinds in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${dir}\n`);
  return dir;
}

// A directory rename is atomic: a reader sees no schemas or all of them. A concurrent run that
// published first wins; ours is dropped.
export function publish(tmp: string, dest: string): void {
  try {
    renameSync(tmp, dest);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dest)) throw error;
  }
}
