// OpenAPI 3.0 schema objects (Kubernetes' own and a CRD's openAPIV3Schema) as the JSON Schema
// kubeconform compiles (draft 4), strict the way `kubectl apply` (server-side strict field
// validation) is: an object that declares its properties takes no others.
export type Schema = { [key: string]: unknown };

const schemaMaps = new Set(['properties', 'patternProperties', 'definitions']);
const schemaLists = new Set(['allOf', 'anyOf', 'oneOf']);
const schemaValues = new Set(['items', 'not']);
// Documentation and server-side hints the validator has no use for; CEL rules
// (x-kubernetes-validations) cannot be evaluated outside an API server.
const dropped = (key: string) =>
  key === 'description' || key === 'example' || key === 'externalDocs' || key === 'nullable' || key.startsWith('x-');

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function strictSchema(node: Schema, ref: (target: string) => string): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (dropped(key)) continue;
    if (key === '$ref') out.$ref = ref(value as string);
    else if (schemaMaps.has(key) && isSchema(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, isSchema(child) ? strictSchema(child, ref) : child]),
      );
    } else if (schemaLists.has(key) && Array.isArray(value)) {
      out[key] = (value as unknown[]).map((child) => (isSchema(child) ? strictSchema(child, ref) : child));
    } else if ((schemaValues.has(key) || key === 'additionalProperties') && isSchema(value)) {
      out[key] = strictSchema(value, ref);
    } else out[key] = value;
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  // A structural CRD schema marks int-or-string with a flag alone (no type, sometimes no anyOf).
  if (node['x-kubernetes-int-or-string'] === true && !out.anyOf && !out.oneOf) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const open =
    node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
  // An object schema without declared properties (RawExtension, FieldsV1, a CRD's free-form
  // payload) stays open: Kubernetes stores whatever it holds.
  if (!open && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

// The definitions a schema reaches through "#/definitions/<name>" references, transitively.
export function reachableDefinitions(root: Schema, definitions: Record<string, Schema>): Record<string, Schema> {
  const found: Record<string, Schema> = {};
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...(node as unknown[]));
    else if (isSchema(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
          const name = value.slice('#/definitions/'.length);
          const target = definitions[name];
          if (!target) throw new Error(`unresolved reference ${value}`);
          if (!(name in found)) {
            found[name] = target;
            pending.push(target);
          }
        } else pending.push(value);
      }
    }
  }
  return found;
}
