import { Gauge } from 'prom-client';
import { sql } from '../db/client.ts';
import { log } from './log.ts';

// The event pipeline's health, read from the database when /metrics is scraped: every function
// reports the same numbers (dashboards and alerts take the max over pods), so they stay visible
// whichever functions are scaled to zero.

interface Stats {
  pending: number;
  oldestSeconds: number;
  deadLetters: { topic: string; count: number }[];
}

async function query(): Promise<Stats> {
  const [outbox] = await sql<{ pending: number; oldest_seconds: number | null }[]>`
    select count(*)::int as pending,
      extract(epoch from now() - min(created_at))::float8 as oldest_seconds
    from outbox
    where published_at is null`;
  const deadLetters = await sql<{ topic: string; count: number }[]>`
    select topic, count(*)::int as count
    from dead_letters
    group by topic`;
  return { pending: outbox?.pending ?? 0, oldestSeconds: outbox?.oldest_seconds ?? 0, deadLetters: [...deadLetters] };
}

// One query per scrape, shared by the gauges it feeds.
let current: Promise<Stats | undefined> | undefined;
function stats(): Promise<Stats | undefined> {
  current ??= query()
    .catch((err: unknown) => {
      log.debug({ err }, 'event metrics: database unavailable');
      return undefined;
    })
    .finally(() => setTimeout(() => (current = undefined), 1000).unref());
  return current;
}

new Gauge({
  name: 'taskfn_outbox_pending_events',
  help: 'Events committed in the outbox and not yet published',
  async collect() {
    const s = await stats();
    if (s) this.set(s.pending);
  },
});

new Gauge({
  name: 'taskfn_outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest unpublished outbox event (0 when none is pending)',
  async collect() {
    const s = await stats();
    if (s) this.set(s.oldestSeconds);
  },
});

new Gauge({
  name: 'taskfn_dead_letters',
  help: 'Events consumers gave up on, kept in the dead_letters table, by topic',
  labelNames: ['topic'],
  async collect() {
    const s = await stats();
    if (!s) return;
    this.reset();
    for (const { topic, count } of s.deadLetters) this.set({ topic }, count);
  },
});
