// What each bench reports to `npm run bench` (bench/run.ts): one row per measure. A bench run on its
// own prints its markdown as before; run by bench/run.ts it also appends its rows, one JSON line
// each, to the file BENCH_FIGURES names.
import { appendFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Figure {
  measure: string;
  figure: string;
  target: string;
  /** null when the measure has no target of its own (a floor, a context figure). */
  met: boolean | null;
}

export function report(bench: string, figures: Figure[]): void {
  const file = process.env.BENCH_FIGURES;
  if (!file) return;
  for (const f of figures) appendFileSync(file, `${JSON.stringify({ bench, ...f, load: loadavg()[0]!.toFixed(1) })}\n`);
}

export const machine = (): string => `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}`;

export const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
