// Every manifest against its schema (kubeconform), every Dapr Component's metadata against Dapr's
// spec, every PrometheusRule's groups through promtool, and no plaintext credential anywhere.
import { parseAllDocuments } from 'yaml';
import { plaintextCredentials } from './credentials.ts';
import { checkDaprComponent, type Component } from './dapr-metadata.ts';
import { kubeconform } from './kubeconform.ts';
import { promtoolCheck, type RuleObject } from './prometheus-rules.ts';

export type Source = { label: string; text: string };
export type Finding = { source: string; resource?: string | undefined; message: string };
// resources: "<apiVersion> <kind>" of each object validated; ruleObjects: PrometheusRules promtool checked.
export type Report = { findings: Finding[]; resources: string[]; ruleObjects: number };

type Manifest = { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: unknown };

export async function validate(sources: Source[]): Promise<Report> {
  const findings: Finding[] = [];
  const manifests: Source[] = [];
  const rules: RuleObject[] = [];
  for (const source of sources) {
    const docs = parseAllDocuments(source.text);
    const errors = docs.flatMap((doc) => doc.errors.map((e) => e.message));
    if (errors.length > 0) {
      findings.push({ source: source.label, message: `YAML: ${errors.map((e) => e.split('\n')[0]).join('; ')}` });
      continue;
    }
    manifests.push(source);
    const objects = docs.map((doc) => doc.toJS() as Manifest | null).filter((o) => o !== null && typeof o === 'object');
    findings.push(...plaintextCredentials(source, objects));
    for (const object of objects) {
      const resource = `${String(object.kind)}/${String(object.metadata?.name)}`;
      if (object.kind === 'Component' && String(object.apiVersion).startsWith('dapr.io/')) {
        for (const message of checkDaprComponent(object as Component)) findings.push({ source: source.label, resource, message });
      }
      if (object.kind === 'PrometheusRule' && typeof object.spec === 'object' && object.spec !== null) {
        rules.push({ source: source.label, name: String(object.metadata?.name), spec: object.spec });
      }
    }
  }
  const schemas = await kubeconform(manifests);
  findings.push(...schemas.findings, ...(await promtoolCheck(rules)));
  return { findings, resources: schemas.resources, ruleObjects: rules.length };
}
