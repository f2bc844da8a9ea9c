import { claimDueReminders } from '../db/due-reminders.ts';
import { generateDueInstances } from '../db/recurring-instances.ts';
import { pruneOld } from '../db/retention.ts';
import { UnavailableError } from '../domain/errors.ts';
import { retryDueNotifications } from '../notify/deliver.ts';
import type { Logger } from '../observability/log.ts';
import { defineMetrics } from '../observability/prom.ts';
import { runtime } from '../runtime/current.ts';
import { pruneSyncLog } from '../sync/prune.ts';

const lateness = defineMetrics(
  (prom) =>
    new prom.Histogram({
      name: 'reminder_lateness_seconds',
      help: 'From a reminder being due to the tick that claimed it',
      buckets: [0.5, 1, 2, 5, 10, 11, 15, 30, 60, 120, 600],
    }),
);

export interface TickResult {
  reminders: number;
  generated: number;
  published: number;
  pruned: { outbox: number; processed: number; sync: number };
  /** Notification retries made. */
  notifications: number;
}

/** Claims due reminders batch by batch, up to ten batches a tick so one tick stays short. */
async function fireReminders(now: Date, batchSize: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const claimed = await claimDueReminders(now, batchSize);
    const seen = Date.now();
    if (claimed.length > 0) lateness.use((h) => claimed.forEach((r) => h.observe(Math.max(0, seen - r.fire_at.getTime()) / 1000)));
    total += claimed.length;
    if (claimed.length < batchSize) break;
  }
  return total;
}

/** Publishes outbox rows a crash or an outage left behind; with the local transport only the host can. */
async function sweepOutbox(log: Logger): Promise<number> {
  try {
    return await (await runtime().relay()).drain();
  } catch (err) {
    if (err instanceof UnavailableError) return 0;
    log.warn({ err }, 'outbox sweep failed; the next tick tries again');
    return 0;
  }
}

/**
 * One tick, at `now` (tests drive the clock; the cron binding passes the real time). Each step is
 * its own transactions, and each is safe when several ticks run at once.
 */
export async function tick(log: Logger, now = new Date()): Promise<TickResult> {
  const { config, sql } = runtime();
  const reminders = await fireReminders(now, config.REMINDER_BATCH_SIZE);
  const generated = await generateDueInstances(now, log);
  const published = await sweepOutbox(log);
  const pruned = { ...(await pruneOld(config.RETENTION_DAYS)), sync: await pruneSyncLog(sql, config.SYNC_RETENTION_DAYS) };
  const notifications = await retryDueNotifications(now);
  const result = { reminders, generated, published, pruned, notifications };
  if (reminders + generated + published + pruned.outbox + pruned.processed + pruned.sync + notifications > 0) log.info(result, 'tick');
  return result;
}
