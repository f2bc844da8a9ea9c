import { readFileSync } from 'node:fs';
import { CronExpressionParser } from 'cron-parser';
import { parse } from 'yaml';
import { log } from '../observability/log.ts';

// The local host runs the cron binding's schedule itself, read from the same component file daprd
// loads in the cluster, so a laptop ticks exactly as a sidecar would.

const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** Go's duration syntax as Dapr's "@every" takes it: "10s", "1m30s", "500ms". */
export function parseGoDuration(text: string): number | null {
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(text)) return null;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)) total += Number(n) * units[unit!]!;
  return total > 0 ? total : null;
}

const shorthands: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *', '@annually': '0 0 0 1 1 *', '@monthly': '0 0 0 1 * *', '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *', '@midnight': '0 0 0 * * *', '@hourly': '0 0 * * * *',
};

/** Milliseconds from `now` to the schedule's next fire time; throws on a schedule Dapr would refuse. */
export function nextDelay(schedule: string, now: Date): number {
  if (schedule.startsWith('@every ')) {
    const ms = parseGoDuration(schedule.slice(7).trim());
    if (ms === null) throw new Error(`cron schedule ${JSON.stringify(schedule)}: not a duration like "@every 10s"`);
    return ms;
  }
  const expression = shorthands[schedule] ?? schedule;
  const next = CronExpressionParser.parse(expression, { currentDate: now }).next().toDate();
  return next.getTime() - now.getTime();
}

/** The `schedule` metadata of a Dapr cron binding component file. */
export function readSchedule(file: URL): string {
  const doc = parse(readFileSync(file, 'utf8')) as { spec?: { type?: string; metadata?: { name: string; value?: unknown }[] } };
  if (doc.spec?.type !== 'bindings.cron') throw new Error(`${file.pathname}: not a bindings.cron component`);
  const value = doc.spec.metadata?.find((m) => m.name === 'schedule')?.value;
  if (typeof value !== 'string') throw new Error(`${file.pathname}: no schedule metadata`);
  return value;
}

export interface Schedule {
  stop(): Promise<void>;
}

/**
 * Runs `job` on the schedule. A tick that finds the previous one still running is skipped, as a
 * sidecar's would be answered late; stop() waits for a running job to finish.
 */
export function runOnSchedule(name: string, schedule: string, job: () => Promise<unknown>): Schedule {
  nextDelay(schedule, new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(fire, nextDelay(schedule, new Date()));
  };
  const fire = () => {
    arm();
    if (running) {
      log.warn({ job: name }, 'previous tick still running; this one is skipped');
      return;
    }
    running = job()
      .catch((err: unknown) => log.error({ err, job: name }, 'scheduled job failed'))
      .finally(() => (running = undefined));
  };
  arm();
  log.info({ job: name, schedule }, 'schedule started');
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
