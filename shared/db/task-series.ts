import { ValidationError, VersionConflictError } from '../domain/errors.ts';
import { type Recurrence, nextAfter } from '../domain/recurrence/index.ts';
import type { RecurringTask } from '../domain/recurring-task.ts';
import type { Task } from '../domain/task.ts';
import { writeTransaction } from '../events/outbox.ts';
import type { Tx } from './client.ts';
import { retireTemplate, startSeries } from './recurring-tasks.ts';
import { type TemplateRow, templateColumns, toRecurringTask } from './template-row.ts';
import type { Actor } from '../domain/actor.ts';
import { ownTask } from './task-row.ts';
import { findTask } from './tasks.ts';

// Making an existing task repeat, or stop repeating: the chat's set_recurrence. A task joins a
// series by a recurring template anchored at its due time, exactly as POST /api/tasks with a
// recurrence starts one; a new rule starts a new template and retires the old one, so a template's
// history stays what it was. The rule lives in the template (with its own version), so the task's
// version and events are untouched.

/** The active series a task belongs to: its template and the template's version. */
export interface Series {
  template_id: string;
  version: number;
}

/** A task with the series it belongs to, as the chat's undo log keeps it. */
export type TaskInSeries = Task & { series: Series | null };

export type OnSeriesChange = (tx: Tx, change: { before: TaskInSeries; after: TaskInSeries }) => Promise<void>;

async function activeSeries(tx: Tx, userId: string, templateId: string | null): Promise<Series | null> {
  if (!templateId) return null;
  const [row] = await tx<Series[]>`
    select id as template_id, version
    from recurring_tasks
    where id = ${templateId}
      and user_id = ${userId}
      and active
    for update`;
  return row ?? null;
}

/** Starts, replaces (`recurrence`) or ends (null) the series of one of the caller's tasks. */
export async function setTaskRecurrence(
  { userId }: Actor,
  taskId: string,
  recurrence: Recurrence | null,
  onChange?: OnSeriesChange,
): Promise<{ task: Task; recurring_task: RecurringTask | null }> {
  return writeTransaction(async (tx) => {
    const task = await ownTask(tx, userId, taskId, { lock: true });
    const before = await activeSeries(tx, userId, task.recurring_task_id);
    if (before) await retireTemplate(tx, userId, before.template_id);
    let template: TemplateRow | null = null;
    if (recurrence) {
      if (!task.due_at) {
        throw new ValidationError([{ in: 'body', path: 'recurrence', message: 'needs the task to have a due time: the series starts there' }], 'body recurrence: needs a due time');
      }
      template = await startSeries(tx, userId, task, recurrence, new Date(task.due_at));
    }
    const after = template ? { template_id: template.id, version: template.version } : null;
    const current = (await findTask(userId, taskId, tx))!;
    await onChange?.(tx, { before: { ...task, series: before }, after: { ...current, series: after } });
    return { task: current, recurring_task: template ? toRecurringTask(template) : null };
  });
}

/**
 * Puts a task's series back as it was before setTaskRecurrence: retires the template it started,
 * brings back the one it retired (from now on: no catch-up of the time it was off) and links the
 * task to `link` again. Either template changed since (by PATCH /api/recurring-tasks) is a 409
 * with the task, and nothing changes.
 */
export async function restoreTaskRecurrence(
  { userId }: Actor,
  taskId: string,
  change: { before: Series | null; after: Series | null; link: string | null },
  inTransaction?: (tx: Tx) => Promise<void>,
): Promise<Task> {
  return writeTransaction(async (tx) => {
    const task = await ownTask(tx, userId, taskId, { lock: true });
    if (change.after) {
      const live = await activeSeries(tx, userId, change.after.template_id);
      if (live?.version !== change.after.version) throw new VersionConflictError(task);
      await retireTemplate(tx, userId, change.after.template_id);
    }
    if (change.before) {
      const [old] = await tx<TemplateRow[]>`
        select ${templateColumns()}
        from recurring_tasks
        where id = ${change.before.template_id}
          and user_id = ${userId}
          and not active
          and version = ${change.before.version + 1}
        for update`;
      if (!old) throw new VersionConflictError(task);
      const schedule = old.recurrence.mode === 'schedule';
      const from = new Date(Math.max(Date.now(), old.starts_at.getTime()) - 1);
      await tx`
        update recurring_tasks
        set active = true,
          next_at = ${schedule ? nextAfter(old.recurrence, old.starts_at, from) : null},
          version = version + 1,
          updated_at = now()
        where id = ${old.id}`;
    }
    // occurrence_at only guards a schedule tick against making an occurrence twice; a relinked
    // task's occurrence is in the past, which a reactivated template never generates again.
    await tx`
      update tasks
      set recurring_task_id = ${change.link},
        occurrence_at = null
      where id = ${taskId}`;
    await inTransaction?.(tx);
    return (await findTask(userId, taskId, tx))!;
  });
}
