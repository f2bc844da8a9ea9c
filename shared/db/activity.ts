import * as z from 'zod';
import { type ActivityEntry, type ActivityPage, type ActivityQuery, type Summary, type SummaryQuery, summaryWindow } from '../domain/activity.ts';
import type { TaskEvent } from '../events/task-events.ts';
import { type Sql, type Tx, db } from './client.ts';
import { decodeCursor, pageOf, timeCursor } from './cursor.ts';

/**
 * Records that `consumer` has seen `eventIds`, answering the ids it sees for the first time: a
 * statement to run or to use as a fragment (a CTE) of a larger one. Run in the caller's
 * transaction, the effects and this record commit together, so a redelivered event finds the record
 * and changes nothing. An id repeated within the list counts once.
 */
const recordDeliveries = (sql: Sql | Tx, consumer: string, eventIds: string[]) => sql<{ event_id: string }[]>`
  insert into processed_events (consumer, event_id)
  select ${consumer}, id
  from unnest(${eventIds}::text[]) as u(id)
  on conflict do nothing
  returning event_id`;

/** The ids among `eventIds` that `consumer` sees for the first time (see recordDeliveries). */
export async function firstDeliveries(tx: Tx, consumer: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  return new Set((await recordDeliveries(tx, consumer, eventIds)).map((r) => r.event_id));
}

/** True the first time `consumer` sees `eventId` (see firstDeliveries). */
export async function firstDelivery(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  return (await firstDeliveries(tx, consumer, [eventId])).has(eventId);
}

/**
 * Appends task events to their users' activity logs, once however often each is delivered: the
 * whole batch in one statement (no transaction to open and commit), which records the deliveries
 * (recordDeliveries) and writes a row for each event seen for the first time. Columns go as
 * arrays through `unnest`: eight parameters whatever the batch size. The count of rows written.
 */
export async function recordActivities(consumer: string, events: TaskEvent[]): Promise<number> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  if (unique.length === 0) return 0;
  const sql = db();
  // As JSON text, cast in SQL: a jsonb[] parameter is written wrongly by postgres.js while it has
  // not yet fetched the server's array types (the first query of a fresh pool: a lone function).
  const details = unique.map((event) => {
    const { task } = event.data;
    return JSON.stringify({
      title: task.title,
      ...(event.type === 'com.taskfn.task.updated' ? { changed: event.data.changed } : {}),
      due_at: task.due_at,
      completed_at: task.completed_at,
    });
  });
  const ids = unique.map((e) => e.id);
  const written = await sql`
    with fresh as (${recordDeliveries(sql, consumer, ids)})
    insert into activity_log (user_id, event_id, type, entity_type, entity_id, occurred_at, details)
    select a.user_id, a.event_id, a.type, 'task', a.entity_id, a.occurred_at, a.details::jsonb
    from unnest(
      ${unique.map((e) => e.data.user_id)}::text[],
      ${ids}::text[],
      ${unique.map((e) => e.type.replace('com.taskfn.', ''))}::text[],
      ${unique.map((e) => e.data.task.id)}::uuid[],
      ${unique.map((e) => e.time ?? new Date().toISOString())}::timestamptz[],
      ${details}::text[]
    ) as a(user_id, event_id, type, entity_id, occurred_at, details)
    join fresh on fresh.event_id = a.event_id
    on conflict (event_id) do nothing`;
  return written.count;
}

const Cursor = timeCursor(z.string().regex(/^\d+$/));

interface Row {
  id: string;
  event_id: string;
  type: ActivityEntry['type'];
  entity_id: string;
  occurred_at: Date;
  occurred_key: string;
  details: Record<string, unknown>;
}

/** Newest first, keyset-paginated like tasks. */
export async function listActivity(userId: string, query: ActivityQuery): Promise<ActivityPage> {
  const sql = db();
  const after = query.cursor ? decodeCursor(Cursor, query.cursor) : null;
  const none = sql``;
  const rows = await sql<Row[]>`
    select id::text, event_id, type, entity_id, occurred_at, occurred_at::text as occurred_key, details
    from activity_log
    where user_id = ${userId}
      ${query.entity_id ? sql`and entity_id = ${query.entity_id}` : none}
      ${query.type ? sql`and type = any(${query.type}::text[])` : none}
      ${query.from ? sql`and occurred_at >= ${query.from}::timestamptz` : none}
      ${query.to ? sql`and occurred_at < ${query.to}::timestamptz` : none}
      ${after ? sql`and (occurred_at, id) < (${after.t}::text::timestamptz, ${after.id}::bigint)` : none}
    order by occurred_at desc, id desc
    limit ${query.limit + 1}`;
  const page = pageOf(rows, query.limit, (last) => ({ t: last.occurred_key, id: last.id }));
  return {
    items: page.rows.map((r) => ({
      id: r.id,
      event_id: r.event_id,
      type: r.type,
      entity_type: 'task' as const,
      entity_id: r.entity_id,
      occurred_at: r.occurred_at.toISOString(),
      details: r.details,
    })),
    next_cursor: page.next_cursor,
  };
}

const dayMs = 86_400_000;

/** Counts per local day or week, the current streak of days with a completion, and on-time share. */
export async function summarize(userId: string, q: SummaryQuery): Promise<Summary> {
  const sql = db();
  const { from, to } = summaryWindow(q);
  const counts = await sql<{ start: string; created: number; completed: number }[]>`
    with periods as (
      select generate_series(
        date_trunc(${q.period}, ${from}::timestamptz at time zone ${q.tz}),
        date_trunc(${q.period}, (${to}::timestamptz - interval '1 microsecond') at time zone ${q.tz}),
        ${`1 ${q.period}`}::interval
      ) as start
    ),
    events as (
      select date_trunc(${q.period}, occurred_at at time zone ${q.tz}) as start, type
      from activity_log
      where user_id = ${userId}
        and type in ('task.created', 'task.completed')
        and occurred_at >= ${from}
        and occurred_at < ${to}
    )
    select to_char(p.start, 'YYYY-MM-DD') as start,
      count(e.type) filter (where e.type = 'task.created')::int as created,
      count(e.type) filter (where e.type = 'task.completed')::int as completed
    from periods p
    left join events e on e.start = p.start
    group by p.start
    order by p.start`;
  const days = await sql<{ day: string; today: string }[]>`
    select distinct to_char(occurred_at at time zone ${q.tz}, 'YYYY-MM-DD') as day,
      to_char(now() at time zone ${q.tz}, 'YYYY-MM-DD') as today
    from activity_log
    where user_id = ${userId}
      and type = 'task.completed'
      and occurred_at > now() - interval '400 days'`;
  // A task completed, reopened and completed again counts once, by its last completion.
  const [onTime] = await sql<{ with_due: number; on_time: number }[]>`
    select count(*)::int as with_due,
      count(*) filter (where (details->>'completed_at')::timestamptz <= (details->>'due_at')::timestamptz)::int as on_time
    from (
      select distinct on (entity_id) details
      from activity_log
      where user_id = ${userId}
        and type = 'task.completed'
        and occurred_at >= ${from}
        and occurred_at < ${to}
        and details->>'due_at' is not null
      order by entity_id, occurred_at desc
    ) last_completions`;
  return {
    period: q.period,
    timezone: q.tz,
    from: from.toISOString(),
    to: to.toISOString(),
    periods: counts.map((c) => ({ start: c.start, created: c.created, completed: c.completed })),
    streak_days: streak(new Set(days.map((d) => d.day)), days[0]?.today),
    completed_with_due: onTime!.with_due,
    on_time_share: onTime!.with_due === 0 ? null : onTime!.on_time / onTime!.with_due,
  };
}

/** Consecutive days with a completion, ending today, or yesterday when today has none yet. */
function streak(days: Set<string>, today: string | undefined): number {
  if (!today) return 0;
  const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - dayMs).toISOString().slice(0, 10);
  let day = days.has(today) ? today : dayBefore(today);
  let n = 0;
  while (days.has(day)) {
    n++;
    day = dayBefore(day);
  }
  return n;
}
