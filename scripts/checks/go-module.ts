// A module's files through the Go module proxy, checked against the Go checksum database by `go`.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';

export function goModuleDir(module: string, version: string): string {
  process.stderr.write(`[schemas] go mod download ${module}@${version}\n`);
  const out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    // Outside any module of ours, so no go.mod of the repository is consulted or changed.
    cwd: tmpdir(),
  });
  const { Dir, Error: error } = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`go mod download ${module}@${version}: ${error ?? 'no directory'}`);
  return Dir;
}
