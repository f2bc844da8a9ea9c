// A Dapr Component's spec.metadata against Dapr's own metadata spec for its type and version
// (schemas/dapr-component-metadata, from dapr/components-contrib): unknown keys, missing required
// keys, values outside the allowed ones, incomplete authentication and a credential written inline
// (a field the spec marks sensitive, given as a value instead of a secretKeyRef) fail.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { filesUnder, schemasDir } from './paths.ts';

type Field = { name: string; required?: boolean; sensitive?: boolean; allowedValues?: string[] };
type Profile = { title?: string; name?: string; metadata?: Field[] };
type Spec = {
  type: string;
  name: string;
  version: string;
  metadata?: Field[];
  authenticationProfiles?: Profile[];
  builtinAuthenticationProfiles?: Profile[];
  binding?: { input?: boolean; output?: boolean };
  capabilities?: string[];
};
type Entry = { name?: unknown; value?: unknown; secretKeyRef?: unknown; envRef?: unknown };
export type Component = {
  metadata?: { name?: string };
  spec?: { type?: string; version?: string; metadata?: Entry[] };
};

// Keys the Dapr runtime reads itself, valid on every component of a kind without being in its own
// spec; each only where Dapr's documentation says it applies.
function runtimeKeys(spec: Spec): Set<string> {
  const keys: string[] = [];
  if (spec.type === 'bindings') {
    keys.push('direction'); // docs.dapr.io/reference/api/bindings_api/ "Binding direction"
    if (spec.binding?.input) keys.push('route'); // .../bindings/howto-triggers/ custom route, input only
  }
  if (spec.type === 'pubsub') {
    // .../operations/components/setup-pubsub/ (consumerID); .../pubsub/pubsub-scopes/ (topic scoping)
    keys.push('consumerID', 'publishingScopes', 'subscriptionScopes', 'allowedTopics', 'protectedTopics');
  }
  if (spec.type === 'state') {
    keys.push('keyPrefix'); // .../state-management/howto-share-state/
    if (spec.capabilities?.includes('actorStateStore')) keys.push('actorStateStore'); // state_api "Actor state"
    if (spec.capabilities?.includes('transactional')) {
      // .../state-management/howto-outbox/
      keys.push('outboxPublishPubsub', 'outboxPublishTopic', 'outboxPubsub', 'outboxInternalTopic');
      keys.push('outboxDiscardWhenMissingState');
    }
  }
  return new Set(keys);
}

const specDir = path.join(schemasDir, 'dapr-component-metadata');
const builtinFile = path.join(specDir, 'builtin-authentication-profiles.yaml');

// A component's builtin profile (`- name: azuread`) lists only its additions to the shared fields.
function withBuiltins(spec: Spec, builtins: Profile[]): Spec {
  const expand = (own: Profile): Profile => {
    const shared = builtins.find((b) => b.name === own.name);
    return shared ? { ...shared, ...own, metadata: [...(shared.metadata ?? []), ...(own.metadata ?? [])] } : own;
  };
  return { ...spec, builtinAuthenticationProfiles: spec.builtinAuthenticationProfiles?.map(expand) };
}

// Component types whose spec lists only authenticated profiles but whose code runs without any:
// bindings.smtp (components-contrib bindings/smtp/smtp.go parseMetadata: user and password both or
// neither, "User and password are empty" only a warning), e.g. a laptop's mail catcher.
const optionalAuthentication = new Set(['bindings.smtp']);

let loaded: Map<string, Spec> | undefined;
export function daprSpecs(): Map<string, Spec> {
  if (loaded) return loaded;
  const { builtinAuthenticationProfiles: builtins = [] } = parse(readFileSync(builtinFile, 'utf8')) as Spec;
  loaded = new Map(
    filesUnder(specDir, ['.yaml'])
      .filter((file) => file !== builtinFile)
      .map((file) => {
        const spec = withBuiltins(parse(readFileSync(file, 'utf8')) as Spec, builtins);
        return [`${spec.type}.${spec.name}@${spec.version}`, spec];
      }),
  );
  return loaded;
}

const present = (entry: Entry | undefined) =>
  entry !== undefined &&
  ((entry.value !== undefined && entry.value !== null && entry.value !== '') ||
    entry.secretKeyRef !== undefined ||
    entry.envRef !== undefined);

// A value Dapr reads as written (not through a secret or the environment) can be checked.
const plain = (entry: Entry | undefined) =>
  entry !== undefined && entry.secretKeyRef === undefined && entry.envRef === undefined && entry.value !== undefined;

function badValue(field: Field, entry: Entry | undefined): string | undefined {
  if (!field.allowedValues || !plain(entry)) return undefined;
  const value = String(entry!.value);
  return field.allowedValues.includes(value) ? undefined : `"${field.name}" is "${value}"; allowed: ${field.allowedValues.join(', ')}`;
}

export function checkDaprComponent(component: Component): string[] {
  const { type = '', version = '', metadata = [] } = component.spec ?? {};
  const spec = daprSpecs().get(`${type}@${version}`);
  if (!spec) return [`no Dapr metadata spec for ${type} ${version} under schemas/dapr-component-metadata`];

  const problems: string[] = [];
  const entries = new Map<string, Entry>();
  for (const entry of metadata) {
    const name = String(entry.name);
    if (entries.has(name)) problems.push(`metadata key "${name}" given twice`);
    entries.set(name, entry);
  }

  const profiles = [...(spec.authenticationProfiles ?? []), ...(spec.builtinAuthenticationProfiles ?? [])];
  const fields = [...(spec.metadata ?? []), ...profiles.flatMap((p) => p.metadata ?? [])];
  const known = new Set([...fields.map((f) => f.name), ...runtimeKeys(spec)]);
  for (const name of entries.keys()) {
    if (!known.has(name)) problems.push(`unknown metadata key "${name}" (not in Dapr's spec for ${type} ${version})`);
  }

  for (const field of fields.filter((f) => f.sensitive)) {
    const entry = entries.get(field.name);
    if (plain(entry) && present(entry)) problems.push(`"${field.name}" is a credential given inline; use secretKeyRef`);
  }

  for (const field of spec.metadata ?? []) {
    if (field.required && !present(entries.get(field.name))) problems.push(`missing required metadata key "${field.name}"`);
    const bad = badValue(field, entries.get(field.name));
    if (bad) problems.push(bad);
  }

  // One authentication profile must be complete: all its required keys, with allowed values.
  // Where the component runs without authentication, that is an empty one.
  const anonymous = optionalAuthentication.has(type) && profiles.every((p) => (p.metadata ?? []).every((f) => !entries.has(f.name)));
  const verdicts = profiles.map((profile) => {
    const fields = profile.metadata ?? [];
    return {
      title: profile.title ?? profile.name ?? '',
      missing: fields.filter((f) => f.required && !present(entries.get(f.name))).map((f) => f.name),
      bad: fields.map((f) => badValue(f, entries.get(f.name))).filter((b) => b !== undefined),
    };
  });
  if (profiles.length > 0 && !anonymous && !verdicts.some((v) => v.missing.length === 0 && v.bad.length === 0)) {
    // The profiles the given values select (authType: password -> SASL) say most; else all of them.
    const chosen = verdicts.filter((v) => v.bad.length === 0);
    const detail = (chosen.length > 0 ? chosen : verdicts)
      .map((v) => `${v.title}: ${[...v.bad, ...v.missing.map((m) => `${m} missing`)].join(', ')}`)
      .join('; ');
    problems.push(`no authentication profile of ${type} ${version} is complete (${detail})`);
  }

  const direction = entries.get('direction');
  if (type.startsWith('bindings.') && plain(direction)) {
    for (const way of String(direction!.value).split(',').map((w) => w.trim())) {
      if ((way !== 'input' && way !== 'output') || !spec.binding?.[way]) {
        problems.push(`"direction" ${way} is not a direction of ${type}`);
      }
    }
  }
  return [...new Set(problems)];
}
