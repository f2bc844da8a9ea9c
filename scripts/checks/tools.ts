// The pinned Go tools (scripts/tools/go-tools.sh builds each once into .cache/tools/).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { root } from './paths.ts';

export type GoTool = 'helm' | 'kubeconform' | 'actionlint' | 'promtool';

const resolved = new Map<GoTool, string>();

// The binary's path; builds it first when missing, its progress on stderr.
export function goTool(tool: GoTool): string {
  let binary = resolved.get(tool);
  if (!binary) {
    const out = execFileSync('bash', [path.join(root, 'scripts/tools/go-tools.sh'), tool], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    binary = out.trim().split('\n').at(-1)!;
    resolved.set(tool, binary);
  }
  return binary;
}
