// JSON schemas for the custom resources, from the openAPIV3Schema of each served version of the
// CRDs under schemas/crds, in the layout kubeconform's CRD catalogs use:
//   .cache/schemas/crds-<digest>/<group>/<kind>_<version>.json
// A CRD leaves `metadata` open (the API server checks it as ObjectMeta); here it is Kubernetes'
// ObjectMeta, so a typo under metadata fails as it does on a core kind.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { coreSchemaDir, publish } from './kubernetes-schemas.ts';
import { reachableDefinitions, strictSchema, type Schema } from './openapi.ts';
import { cacheDir, digest, filesUnder, schemasDir } from './paths.ts';

type Crd = {
  kind?: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
};

const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const typeMeta = { apiVersion: { type: 'string' }, kind: { type: 'string' } };
const converter = [
  import.meta.filename,
  path.join(import.meta.dirname, 'openapi.ts'),
  path.join(import.meta.dirname, 'kubernetes-schemas.ts'),
];

export const crdFiles = () => filesUnder(path.join(schemasDir, 'crds'), ['.yaml', '.yml']);

export function crds(): Crd[] {
  return crdFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as Crd | null)
      .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition'),
  );
}

// The group/versions the CRDs serve, as `helm template --api-versions` takes them.
export const crdApiVersions = (): string[] => [
  ...new Set(
    crds().flatMap((crd) =>
      crd.spec.versions
        .filter((v) => v.served)
        .flatMap((v) => [`${crd.spec.group}/${v.name}`, `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`]),
    ),
  ),
];

export function crdSchemaDir(): string {
  const coreDir = coreSchemaDir();
  const dir = path.join(cacheDir, `crds-${digest([...crdFiles(), ...converter])}-${path.basename(path.dirname(coreDir))}`);
  if (existsSync(dir)) return dir;

  process.stderr.write('[schemas] converting the CRDs under schemas/crds (once per change)...\n');
  const { definitions } = JSON.parse(readFileSync(path.join(coreDir, 'configmap-v1.json'), 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const metaRef = { $ref: `#/definitions/${objectMeta}` };
  const metaDefinitions = reachableDefinitions(metaRef, definitions);
  const tmp = `${dir}.tmp-${process.pid}`;
  let count = 0;
  for (const crd of crds()) {
    const { group, names } = crd.spec;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const source = version.schema?.openAPIV3Schema;
      if (!source) throw new Error(`${names.kind}.${group}/${version.name} has no openAPIV3Schema`);
      const schema = strictSchema(source, (target) => target);
      // Some CRDs declare only spec and status; every object carries apiVersion and kind.
      schema.properties = { ...typeMeta, ...(schema.properties as Schema), metadata: metaRef };
      schema.definitions = metaDefinitions;
      mkdirSync(path.join(tmp, group), { recursive: true });
      writeFileSync(path.join(tmp, group, `${names.kind.toLowerCase()}_${version.name}.json`), JSON.stringify(schema));
      count++;
    }
  }
  publish(tmp, dir);
  process.stderr.write(`[schemas] ${count} custom resource versions -> ${dir}\n`);
  return dir;
}
