import { z } from 'zod';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Notification, NotificationPage, NotificationQuery } from '../domain/notification.ts';
import type { NotificationRequested } from '../events/time-events.ts';
import type { Delivery } from '../notify/webhook.ts';
import { sql } from './client.ts';

export interface Progress {
  status: Notification['status'];
  attempts: number;
}

/** The notification's row, created on first sight: a redelivered request finds its progress. */
export async function notificationFor(n: NotificationRequested): Promise<Progress> {
  const [row] = await sql<Progress[]>`
    with inserted as (
      insert into notifications (id, user_id, channel, reminder_id, task_id, title, body)
      values (${n.notification_id}, ${n.user_id}, ${n.channel}, ${n.reminder_id}, ${n.task_id}, ${n.title}, ${n.body})
      on conflict (id) do nothing
      returning status, attempts
    )
    select status, attempts from inserted
    union all
    select status, attempts from notifications where id = ${n.notification_id}
    limit 1`;
  return row!;
}

/** One attempt and its outcome, recorded together. */
export async function recordAttempt(id: string, attempt: number, d: Delivery): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      insert into notification_attempts (notification_id, attempt, ok, status_code, error)
      values (${id}, ${attempt}, ${d.ok}, ${d.status ?? null}, ${d.error ?? null})
      on conflict do nothing`;
    await tx`
      update notifications
      set attempts = ${attempt},
        status = ${d.ok ? 'delivered' : 'pending'}::notification_status,
        delivered_at = case when ${d.ok}::boolean then now() end,
        last_error = ${d.error ?? null}
      where id = ${id}`;
  });
}

/** Gives up: the notification and the reminder behind it are marked failed. */
export async function markFailed(id: string, reminderId: string | null): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`update notifications set status = 'failed' where id = ${id}`;
    if (reminderId) await tx`update reminders set status = 'failed' where id = ${reminderId}`;
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
});

const columns = sql`id, channel, title, body, task_id, reminder_id, status, attempts, read_at, created_at, created_at::text as created_key`;
const Cursor = z.object({ t: z.string(), id: z.uuid() });

/** The in-app inbox, newest first, keyset-paginated. */
export async function listNotifications(userId: string, q: NotificationQuery): Promise<NotificationPage> {
  let after: z.infer<typeof Cursor> | null = null;
  if (q.cursor) {
    try {
      after = Cursor.parse(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')));
    } catch {
      throw new ValidationError([{ in: 'query', path: 'cursor', message: 'is not a cursor this API issued' }], 'query cursor: is not a cursor this API issued');
    }
  }
  const rows = await sql<Row[]>`
    select ${columns}
    from notifications
    where user_id = ${userId}
      and channel = 'in_app'
      ${q.unread ? sql`and read_at is null` : q.unread === false ? sql`and read_at is not null` : sql``}
      ${after ? sql`and (created_at, id) < (${after.t}::text::timestamptz, ${after.id})` : sql``}
    order by created_at desc, id desc
    limit ${q.limit + 1}`;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const next = rows.length > q.limit && last ? Buffer.from(JSON.stringify({ t: last.created_key, id: last.id })).toString('base64url') : null;
  return { items: page.map(toNotification), next_cursor: next };
}

export async function markRead(userId: string, id: string): Promise<Notification> {
  const [row] = await sql<Row[]>`
    update notifications
    set read_at = coalesce(read_at, now())
    where id = ${id}
      and user_id = ${userId}
      and channel = 'in_app'
    returning ${columns}`;
  if (!row) throw new NotFoundError('notification');
  return toNotification(row);
}
