// The rule groups of PrometheusRule objects through `promtool check rules`: PromQL that does not
// parse, bad durations or templates, duplicate rules.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { goTool } from './tools.ts';
import type { Finding } from './validate.ts';

export type RuleObject = { source: string; name: string; spec: { groups?: unknown } };

export async function promtoolCheck(rules: RuleObject[]): Promise<Finding[]> {
  if (rules.length === 0) return [];
  const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-promtool-'));
  try {
    const findings: Finding[] = [];
    for (const rule of rules) {
      // A PrometheusRule's spec is a Prometheus rule file: `groups:` and what is under it.
      const file = path.join(dir, `${rule.name}.yaml`);
      await writeFile(file, stringify({ groups: rule.spec.groups ?? [] }));
      try {
        await promisify(execFile)(goTool('promtool'), ['check', 'rules', '--lint-fatal', file]);
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        const lines = `${stdout}\n${stderr}`
          .split('\n')
          .map((l) => l.replaceAll(file, 'spec').trim())
          .filter((l) => l !== '' && !/^(Checking |FAILED:?$)/.test(l));
        findings.push({ source: rule.source, resource: `PrometheusRule/${rule.name}`, message: `promtool check rules: ${lines.join('; ')}` });
      }
    }
    return findings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
