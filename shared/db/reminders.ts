import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { type Reminder, type ReminderInput, fireAt, outlook, statusAt } from '../domain/reminder.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { type Tx, db } from './client.ts';
import { getSettings } from './settings.ts';
import { ownTask } from './task-row.ts';

interface Row {
  id: string;
  task_id: string;
  offset_text: string | null;
  at: Date | null;
  fire_at: Date | null;
  status: Reminder['status'];
  attempts: number;
  sent_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toReminder = (r: Row, taskCompleted: boolean): Reminder => ({
  id: r.id,
  task_id: r.task_id,
  offset: r.offset_text,
  at: iso(r.at),
  fire_at: iso(r.fire_at),
  status: r.status,
  ...outlook(r.status, r.fire_at, taskCompleted),
  attempts: r.attempts,
  sent_at: iso(r.sent_at),
  created_at: r.created_at.toISOString(),
});

const columns = () => db()`id, task_id, offset_text, at, fire_at, status, attempts, sent_at, created_at`;

export async function listReminders(userId: string, taskId: string): Promise<Reminder[]> {
  const sql = db();
  const task = await ownTask(sql, userId, taskId);
  const rows = await sql<Row[]>`
    select ${columns()}
    from reminders
    where task_id = ${taskId}
    order by fire_at nulls last, created_at, id`;
  return rows.map((r) => toReminder(r, task.completed));
}

/** The user's reminders with these ids, as their task's list shows them (live sync reads them so). */
export async function remindersByIds(tx: Tx, userId: string, ids: string[]): Promise<Reminder[]> {
  const rows = await tx<(Row & { task_completed: boolean })[]>`
    select ${columns()},
      (select t.completed from tasks t where t.id = r.task_id) as task_completed
    from reminders r
    where r.user_id = ${userId}
      and r.id = any(${ids}::uuid[])`;
  return rows.map((r) => toReminder(r, r.task_completed));
}

/**
 * Replaces a task's reminders in the caller's transaction. Offsets need a due time; a reminder of a
 * completed task is stored cancelled, so reopening the task brings it back; an offset whose time is
 * already behind (the due time is near) is stored cancelled too, and answered as one that will not
 * fire (absolute times in the past never get here: the schema refuses them).
 */
export async function replaceReminders(tx: Tx, userId: string, taskId: string, inputs: ReminderInput[], where: string = ''): Promise<Reminder[]> {
  const task = await ownTask(tx, userId, taskId, { lock: true });
  const dueAt = task.due_at === null ? null : new Date(task.due_at);
  const bad = inputs.flatMap((r, i) => (r.offset !== undefined && !dueAt ? [{ in: 'body' as const, path: `${where}${i}.offset`, message: 'needs the task to have a due time' }] : []));
  if (bad.length > 0) throw new ValidationError(bad, `body ${bad[0]!.path}: ${bad[0]!.message}`);
  const { timezone } = await getSettings(userId, tx);
  await tx`
    delete from reminders
    where task_id = ${taskId}`;
  if (inputs.length === 0) return [];
  const now = new Date();
  const rows = inputs.map((r) => {
    const at = r.at ? new Date(r.at) : null;
    const fire = fireAt({ offset: r.offset ?? null, at }, dueAt, timezone);
    return {
      user_id: userId,
      task_id: taskId,
      offset_text: r.offset ?? null,
      at,
      fire_at: fire,
      status: statusAt('scheduled', fire, now, task.completed),
    };
  });
  const stored = await tx<Row[]>`
    insert into reminders ${tx(rows, 'user_id', 'task_id', 'offset_text', 'at', 'fire_at', 'status')}
    returning ${columns()}`;
  return stored.map((r) => toReminder(r, task.completed)).sort((a, b) => (a.fire_at ?? '\uffff').localeCompare(b.fire_at ?? '\uffff'));
}

export async function setReminders(userId: string, taskId: string, inputs: ReminderInput[]): Promise<Reminder[]> {
  const sql = db();
  return syncedTransaction(sql, (tx) => replaceReminders(tx, userId, taskId, inputs));
}

export async function deleteReminder(userId: string, taskId: string, reminderId: string): Promise<void> {
  const rows = await syncedTransaction(db(), (tx) => tx`
    delete from reminders
    where id = ${reminderId}
      and task_id = ${taskId}
      and user_id = ${userId}
    returning id`);
  if (rows.length === 0) throw new NotFoundError('reminder');
}

/**
 * Keeps a task's reminders in step with it, in the transaction that changed the task: a new due
 * time moves offset reminders (arming one already sent or cancelled if its new time is ahead, and
 * cancelling one whose new time is behind: see statusAt); completing or deleting cancels what is
 * pending; reopening restores what is still ahead, or waits for a due time.
 */
export async function followTask(tx: Tx, userId: string, taskId: string, change: 'due' | 'completed' | 'reopened' | 'deleted', dueAt?: Date | null): Promise<void> {
  if (change === 'completed' || change === 'deleted') {
    await tx`
      update reminders
      set status = 'cancelled'
      where task_id = ${taskId}
        and status = 'scheduled'`;
    return;
  }
  if (change === 'reopened') {
    await tx`
      update reminders
      set status = 'scheduled'
      where task_id = ${taskId}
        and status = 'cancelled'
        and (fire_at > now() or fire_at is null)`;
    return;
  }
  const offsets = await tx<{ id: string; offset_text: string; status: Reminder['status'] }[]>`
    select id, offset_text, status
    from reminders
    where task_id = ${taskId}
      and offset_text is not null`;
  if (offsets.length === 0) return;
  const { timezone } = await getSettings(userId, tx);
  const [task] = await tx<{ completed: boolean }[]>`
    select completed
    from tasks
    where id = ${taskId}`;
  const now = new Date();
  for (const r of offsets) {
    const next = fireAt({ offset: r.offset_text, at: null }, dueAt ?? null, timezone);
    await tx`
      update reminders
      set fire_at = ${next},
        status = ${statusAt(r.status, next, now, task?.completed ?? false)}::reminder_status
      where id = ${r.id}`;
  }
}
