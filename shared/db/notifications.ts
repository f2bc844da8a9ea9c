import * as z from 'zod';
import { NotFoundError } from '../domain/errors.ts';
import type { DeliveryAttempt, Notification, NotificationPage, NotificationQuery } from '../domain/notification.ts';
import type { NotificationRequested } from '../events/time-events.ts';
import type { Delivery } from '../notify/webhook.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { type Tx, db } from './client.ts';
import { decodeCursor, pageOf, timeCursor } from './cursor.ts';

/** A notification whose next attempt this process has claimed, and the attempts made so far. */
export type Claimed = NotificationRequested & { attempts: number };

/**
 * Creates the notification, claimed for its first attempt until `leaseUntil`; a redelivered
 * request finds the row and claims it only if an attempt is due (a crash before the first one).
 * Null: delivered, failed, or its retries belong to the tick.
 */
export async function claimRequested(n: NotificationRequested, now: Date, leaseUntil: Date): Promise<number | null> {
  const sql = db();
  const [row] = await syncedTransaction(sql, (tx) => tx<{ attempts: number }[]>`
    with inserted as (
      insert into notifications (id, user_id, channel, reminder_id, task_id, title, body, fire_at, next_attempt_at)
      values (${n.notification_id}, ${n.user_id}, ${n.channel}, ${n.reminder_id}, ${n.task_id}, ${n.title}, ${n.body}, ${n.fire_at}, ${leaseUntil})
      on conflict (id) do nothing
      returning attempts
    ), claimed as (
      update notifications
      set next_attempt_at = ${leaseUntil}
      where id = ${n.notification_id}
        and status = 'pending'
        and next_attempt_at <= ${now}
      returning attempts
    )
    select attempts from inserted
    union all
    select attempts from claimed`);
  return row ? row.attempts : null;
}

/** Claims up to `limit` notifications whose next attempt is due, oldest first, until `leaseUntil`; racing ticks skip each other's. */
export async function claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Claimed[]> {
  const sql = db();
  const rows = await sql<(Omit<Claimed, 'notification_id' | 'fire_at'> & { id: string; fire_at: Date | null })[]>`
    with due as (
      select id
      from notifications
      where status = 'pending'
        and next_attempt_at <= ${now}
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update notifications n
    set next_attempt_at = ${leaseUntil}
    from due
    where n.id = due.id
    returning n.id, n.user_id, n.channel, n.reminder_id, n.task_id, n.title, n.body, n.fire_at, n.attempts`;
  return rows.map(({ id, fire_at, ...r }) => ({ ...r, notification_id: id, fire_at: fire_at?.toISOString() ?? null }));
}

/**
 * Records attempt number `attempt` and what follows: delivered, the next attempt at `next`, or
 * failed for good (the reminder behind it too) when there is none. An attempt already recorded
 * (a lease that ran out while this one was slow) changes nothing.
 */
export async function recordAttempt(id: string, attempt: number, d: Delivery, durationMs: number, next: Date | null, reminderId: string | null): Promise<void> {
  const sql = db();
  await syncedTransaction(sql, async (tx) => {
    const inserted = await tx`
      insert into notification_attempts (notification_id, attempt, ok, status_code, error, duration_ms)
      values (${id}, ${attempt}, ${d.ok}, ${d.status ?? null}, ${d.error ?? null}, ${durationMs})
      on conflict do nothing
      returning 1`;
    if (inserted.length === 0) return;
    const status = d.ok ? 'delivered' : next ? 'pending' : 'failed';
    await tx`
      update notifications
      set attempts = ${attempt},
        status = ${status}::notification_status,
        delivered_at = case when ${d.ok}::boolean then now() end,
        last_error = ${d.error ?? null},
        next_attempt_at = ${next}
      where id = ${id}`;
    if (status === 'failed' && reminderId) await tx`update reminders set status = 'failed' where id = ${reminderId}`;
  });
}

interface Row {
  id: string;
  channel: Notification['channel'];
  title: string;
  body: string;
  task_id: string | null;
  reminder_id: string | null;
  status: Notification['status'];
  attempts: number;
  read_at: Date | null;
  created_at: Date;
  created_key: string;
  next_attempt_at: Date | null;
  last_error: string | null;
  tries: (Omit<DeliveryAttempt, 'at'> & { at: string })[];
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  channel: r.channel,
  title: r.title,
  body: r.body,
  task_id: r.task_id,
  reminder_id: r.reminder_id,
  status: r.status,
  attempts: r.attempts,
  read: r.read_at !== null,
  created_at: r.created_at.toISOString(),
  delivery: {
    attempts: r.tries.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    next_attempt_at: r.next_attempt_at?.toISOString() ?? null,
    last_error: r.last_error,
  },
});

// At most RETRY_SCHEDULE_MS.length attempts a notification: cheap to carry on every item.
const columns = () => db()`
  n.id, n.channel, n.title, n.body, n.task_id, n.reminder_id, n.status, n.attempts, n.read_at, n.created_at,
  n.created_at::text as created_key, n.next_attempt_at, n.last_error,
  (select coalesce(json_agg(json_build_object(
      'attempt', a.attempt, 'at', a.at, 'ok', a.ok, 'status_code', a.status_code, 'error', a.error, 'duration_ms', a.duration_ms
    ) order by a.attempt), '[]')
   from notification_attempts a
   where a.notification_id = n.id) as tries`;
const Cursor = timeCursor(z.uuid());

/** One channel's notifications (the in-app inbox by default), newest first, keyset-paginated. */
export async function listNotifications(userId: string, q: NotificationQuery): Promise<NotificationPage> {
  const sql = db();
  const after = q.cursor ? decodeCursor(Cursor, q.cursor) : null;
  const rows = await sql<Row[]>`
    select ${columns()}
    from notifications n
    where n.user_id = ${userId}
      and n.channel = ${q.channel}
      ${q.unread ? sql`and n.read_at is null` : q.unread === false ? sql`and n.read_at is not null` : sql``}
      ${after ? sql`and (n.created_at, n.id) < (${after.t}::text::timestamptz, ${after.id})` : sql``}
    order by n.created_at desc, n.id desc
    limit ${q.limit + 1}`;
  const page = pageOf(rows, q.limit, (last) => ({ t: last.created_key, id: last.id }));
  return { items: page.rows.map(toNotification), next_cursor: page.next_cursor };
}

/** The user's in-app notifications with these ids, as GET answers them (live sync reads them so). */
export async function inAppByIds(tx: Tx, userId: string, ids: string[]): Promise<Notification[]> {
  const rows = await tx<Row[]>`
    select ${columns()}
    from notifications n
    where n.user_id = ${userId}
      and n.channel = 'in_app'
      and n.id = any(${ids}::uuid[])`;
  return rows.map(toNotification);
}

/** One notification of any channel, with its delivery attempts; another user's is not found. */
export async function getNotification(userId: string, id: string): Promise<Notification> {
  const sql = db();
  const [row] = await sql<Row[]>`
    select ${columns()}
    from notifications n
    where n.id = ${id}
      and n.user_id = ${userId}`;
  if (!row) throw new NotFoundError('notification');
  return toNotification(row);
}

export async function markRead(userId: string, id: string): Promise<Notification> {
  const sql = db();
  const [row] = await syncedTransaction(sql, (tx) => tx<{ id: string }[]>`
    update notifications
    set read_at = coalesce(read_at, now())
    where id = ${id}
      and user_id = ${userId}
      and channel = 'in_app'
    returning id`);
  if (!row) throw new NotFoundError('notification');
  return getNotification(userId, id);
}
