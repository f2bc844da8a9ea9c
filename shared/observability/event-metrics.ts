import type { Sql } from '../db/client.ts';
import { log } from './log.ts';
import { defineMetrics } from './prom.ts';

// The event pipeline's health, read from the database when /metrics is scraped: every function
// reports the same numbers (dashboards and alerts take the max over pods), so they stay visible
// whichever functions are scaled to zero.

const gauges = defineMetrics((prom) => ({
  pending: new prom.Gauge({ name: 'taskfn_outbox_pending_events', help: 'Events committed in the outbox and not yet published' }),
  oldest: new prom.Gauge({ name: 'taskfn_outbox_oldest_pending_age_seconds', help: 'Age of the oldest unpublished outbox event (0 when none is pending)' }),
  deadLetters: new prom.Gauge({
    name: 'taskfn_dead_letters',
    help: 'Events consumers gave up on, kept in the dead_letters table, by topic',
    labelNames: ['topic'],
  }),
}));

async function refresh(sql: Sql): Promise<void> {
  const [outbox] = await sql<{ pending: number; oldest_seconds: number | null }[]>`
    select count(*)::int as pending,
      extract(epoch from now() - min(created_at))::float8 as oldest_seconds
    from outbox
    where published_at is null`;
  const byTopic = await sql<{ topic: string; count: number }[]>`
    select topic, count(*)::int as count
    from dead_letters
    group by topic`;
  gauges.use(({ pending, oldest, deadLetters }) => {
    pending.set(outbox?.pending ?? 0);
    oldest.set(outbox?.oldest_seconds ?? 0);
    deadLetters.reset();
    for (const { topic, count } of byTopic) deadLetters.set({ topic }, count);
  });
}

/** Refreshes the gauges before a scrape, at most one query round a second; a database away keeps the last values. */
export function eventMetrics(sql: Sql): () => Promise<void> {
  let current: Promise<void> | undefined;
  return () =>
    (current ??= refresh(sql)
      .catch((err: unknown) => log.debug({ err }, 'event metrics: database unavailable'))
      .finally(() => setTimeout(() => (current = undefined), 1000).unref()));
}
