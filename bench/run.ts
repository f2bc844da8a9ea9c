// npm run bench: every benchmark in turn, then one table of what each measured against its target.
// Short by default (a few minutes in all, for a quick look); `-- --full` with the settings whose
// figures go into docs/benchmarks.md. Each bench still prints its own markdown as it goes.
// bench:dapr needs daprd (scripts/dapr/install.sh builds it, 45 min the first time): it runs only
// with --full, or `-- --only=dapr`.
// Usage: npm run bench [-- --full] [-- --only=pipeline,cold-start]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Figure, load, machine } from './figures.ts';

const benches: { name: string; short: string[]; full: string[]; fullOnly?: boolean }[] = [
  { name: 'create-task', short: ['5', '16', '3'], full: ['10', '16', '5'] },
  { name: 'pipeline', short: ['10'], full: ['30'] },
  { name: 'events', short: ['100', '2000'], full: ['300', '5000'] },
  { name: 'cold-start', short: ['5'], full: ['15'] },
  { name: 'chat', short: ['300'], full: ['1000'] },
  { name: 'reminders', short: ['200', '2000'], full: ['1000', '10000'] },
  { name: 'web', short: ['5', '20'], full: ['15', '100'] },
  { name: 'dapr', short: [], full: [], fullOnly: true },
];

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim());
const chosen = benches.filter((b) => (only ? only.includes(b.name) : values.full || !b.fullOnly));
const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-all-'));
const figures = path.join(dir, 'figures.jsonl');
const failed: string[] = [];

for (const b of chosen) {
  process.stderr.write(`\n[bench] ==== ${b.name} (${values.full ? 'full' : 'short'}), ${load()}\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${b.name}/run.ts`, ...(values.full ? b.full : b.short)], {
      env: { ...process.env, BENCH_FIGURES: figures },
      stdio: 'inherit',
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) failed.push(`${b.name} (exit ${code})`);
}

const rows = (await readFile(figures, 'utf8').catch(() => ''))
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Figure & { bench: string; load: string });
await rm(dir, { recursive: true, force: true });
const date = new Date().toISOString().slice(0, 10);
const met = (m: boolean | null) => (m === null ? '' : m ? 'met' : '**missed**');
process.stdout.write(
  [
    '',
    `${date}, ${machine()}, ${values.full ? 'full' : 'short'} run`,
    '',
    '| bench | measure | figure | target | met | load (1 min) | machine | date |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.bench} | ${r.measure} | ${r.figure} | ${r.target} | ${met(r.met)} | ${r.load} | ${machine()} | ${date} |`),
    ...(failed.length ? ['', `failed: ${failed.join(', ')}`] : []),
    '',
  ].join('\n'),
);
process.exit(failed.length ? 1 : 0);
