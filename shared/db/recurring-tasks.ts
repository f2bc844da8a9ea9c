import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import { type Rule, checkSeries, nextAfter, occurrences, resolveRule, withinBudget } from '../domain/recurrence/index.ts';
import type { RecurringTask, RecurringTaskCreate, RecurringTaskPatch } from '../domain/recurring-task.ts';
import type { Recurrence } from '../domain/recurrence/index.ts';
import { writeTransaction } from '../events/outbox.ts';
import { type Sql, type Tx, db } from './client.ts';
import type { Actor } from '../domain/actor.ts';
import { insertInstances } from './recurring-instances.ts';
import { getSettings } from './settings.ts';
import { type TemplateRow, templateColumns, toRecurringTask } from './template-row.ts';

/** The rule with the user's zone filled in, checked against its start; 400 naming the field when it has no occurrence at all, or none within the search budget. */
export async function settleRule(tx: Tx | Sql, userId: string, input: Recurrence, startsAt: Date, field = 'recurrence'): Promise<{ rule: Rule; first: Date }> {
  const rule = resolveRule(input, (await getSettings(userId, tx)).timezone);
  checkSeries(rule, startsAt);
  // A rule whose first occurrence is beyond the search budget is refused here, not stored for the
  // tick to fail on.
  const first = withinBudget(rule, field, () => occurrences(rule, startsAt).next());
  if (first.done) throw new ValidationError([{ in: 'body', path: field, message: 'has no occurrence: it ends before its first match' }], `body ${field}: has no occurrence`);
  return { rule, first: first.value };
}

/** Now, to the minute: a series started "now" keeps whole-minute times. */
const thisMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000);

export async function insertTemplate(
  tx: Tx,
  userId: string,
  t: { title: string; description: string; priority: string; tags: string[]; rule: Rule; startsAt: Date; catchUp: string; nextAt: Date | null; generated: number },
): Promise<TemplateRow> {
  const [row] = await tx<TemplateRow[]>`
    insert into recurring_tasks (user_id, title, description, priority, tags, recurrence, mode, starts_at, catch_up, next_at, generated)
    values (
      ${userId}, ${t.title}, ${t.description}, ${t.priority}, ${t.tags}::text[], ${tx.json(t.rule)}, ${t.rule.mode},
      ${t.startsAt}, ${t.catchUp}, ${t.nextAt}, ${t.generated}
    )
    returning ${templateColumns()}`;
  return row!;
}

/**
 * Makes a task the first occurrence of a new series: a template anchored at the task's due time
 * (POST /api/tasks with a recurrence, and the chat's set_recurrence on an existing task).
 */
export async function startSeries(
  tx: Tx,
  userId: string,
  task: { id: string; title: string; description: string; priority: string; tags: string[] },
  recurrence: Recurrence,
  due: Date,
): Promise<TemplateRow> {
  const { rule } = await settleRule(tx, userId, recurrence, due);
  const schedule = rule.mode === 'schedule';
  const template = await insertTemplate(tx, userId, {
    ...task, rule, startsAt: due, catchUp: 'all', nextAt: schedule ? nextAfter(rule, due, due) : null, generated: 1,
  });
  await tx`
    update tasks
    set recurring_task_id = ${template.id},
      occurrence_at = ${schedule ? due : null}
    where id = ${task.id}`;
  return template;
}

/**
 * A template. `schedule`: its first occurrence waits for the tick. `on_completion`: its first task
 * is created now, due at the first occurrence, and each completion creates the next.
 */
export async function createRecurringTask({ userId, source }: Actor, input: RecurringTaskCreate): Promise<RecurringTask> {
  return writeTransaction(async (tx) => {
    const startsAt = input.starts_at ? new Date(input.starts_at) : thisMinute();
    const { rule, first } = await settleRule(tx, userId, input.recurrence, startsAt);
    const schedule = rule.mode === 'schedule';
    const template = await insertTemplate(tx, userId, {
      ...input, rule, startsAt, catchUp: input.catch_up, nextAt: schedule ? first : null, generated: schedule ? 0 : 1,
    });
    if (!schedule) {
      await insertInstances(tx, source, [{ template, dueAt: first, occurrenceAt: null, recursFrom: null, tags: input.tags, reminderOffsets: [] }]);
    }
    return toRecurringTask(template);
  });
}

export async function listRecurringTasks(userId: string, status: 'active' | 'inactive' | 'all'): Promise<RecurringTask[]> {
  const sql = db();
  const rows = await sql<TemplateRow[]>`
    select ${templateColumns()}
    from recurring_tasks
    where user_id = ${userId}
      ${status === 'all' ? sql`` : sql`and active = ${status === 'active'}`}
    order by created_at, id`;
  return rows.map(toRecurringTask);
}

export async function getRecurringTask(userId: string, id: string): Promise<RecurringTask> {
  const sql = db();
  const [row] = await sql<TemplateRow[]>`select ${templateColumns()} from recurring_tasks where id = ${id} and user_id = ${userId}`;
  if (!row) throw new NotFoundError('recurring task');
  return toRecurringTask(row);
}

export async function lockTemplate(tx: Tx, userId: string, id: string, expected?: number): Promise<TemplateRow> {
  const [row] = await tx<TemplateRow[]>`select ${templateColumns()} from recurring_tasks where id = ${id} and user_id = ${userId} for update`;
  if (!row) throw new NotFoundError('recurring task');
  if (expected !== undefined && row.version !== expected) throw new VersionConflictError(toRecurringTask(row));
  return row;
}

/**
 * Changes a template. A new rule or start (or reactivation) moves the next occurrence to the first
 * one from now on: changing a rule never back-fills the past. The mode stays what it was made with.
 */
export async function updateRecurringTask({ userId }: Actor, id: string, patch: RecurringTaskPatch, expected?: number): Promise<RecurringTask> {
  return writeTransaction(async (tx) => toRecurringTask(await changeTemplate(tx, userId, await lockTemplate(tx, userId, id, expected), patch)));
}

/** PATCH /api/recurring-tasks/:id's change of a locked template, in the caller's transaction (PATCH /api/tasks/:id's new rule too). */
export async function changeTemplate(tx: Tx, userId: string, current: TemplateRow, patch: RecurringTaskPatch): Promise<TemplateRow> {
  const startsAt = patch.starts_at ? new Date(patch.starts_at) : current.starts_at;
  let rule = current.recurrence;
  if (patch.recurrence) {
    rule = (await settleRule(tx, userId, patch.recurrence, startsAt)).rule;
    if (rule.mode !== current.mode) {
      throw new ConflictError('mode_fixed', 'a template keeps the mode it was created with; create a new one to change it');
    }
  } else if (patch.starts_at) {
    await settleRule(tx, userId, rule, startsAt, 'starts_at');
  }
  const reschedule = patch.recurrence !== undefined || patch.starts_at !== undefined || (patch.active === true && !current.active);
  const active = patch.active ?? current.active;
  const now = new Date();
  const from = new Date(Math.max(now.getTime(), startsAt.getTime()) - 1);
  const nextAt = !active || rule.mode !== 'schedule' ? null : reschedule ? nextAfter(rule, startsAt, from) : current.next_at;
  const [row] = await tx<TemplateRow[]>`
    update recurring_tasks
    set title = ${patch.title ?? current.title},
      description = ${patch.description ?? current.description},
      priority = ${patch.priority ?? current.priority},
      tags = ${patch.tags ?? current.tags}::text[],
      recurrence = ${tx.json(rule)},
      starts_at = ${startsAt},
      catch_up = ${patch.catch_up ?? current.catch_up},
      active = ${active},
      next_at = ${nextAt},
      version = version + 1,
      updated_at = now()
    where id = ${current.id}
    returning ${templateColumns()}`;
  return row!;
}

/** Retires a template: it generates nothing more; it and the tasks it made stay. A retired one is left as it is. */
export async function retireTemplate(tx: Tx, userId: string, id: string): Promise<void> {
  await tx`
    update recurring_tasks
    set active = false, next_at = null, version = version + 1, updated_at = now()
    where id = ${id}
      and user_id = ${userId}
      and active`;
}

/** DELETE /api/recurring-tasks/:id: retires the template (404 for anyone else's, 409 at another version). */
export async function deactivateRecurringTask({ userId }: Actor, id: string, expected?: number): Promise<void> {
  await writeTransaction(async (tx) => {
    await lockTemplate(tx, userId, id, expected);
    await retireTemplate(tx, userId, id);
  });
}

/** A task as a patch leaves it, before its series changes. */
export interface SeriesTask {
  id: string;
  title: string;
  description: string;
  priority: string;
  tags: string[];
  due_at: string | null;
  recurring_task_id: string | null;
}

/**
 * PATCH /api/tasks/:id's `recurrence`, in its transaction. A rule starts a series at the task's due
 * time when it has no active one (as POST /api/tasks does), or changes its series' rule as
 * PATCH /api/recurring-tasks/:id does; a new mode starts a new series instead, since a template
 * keeps the mode it was made with. null retires the series and makes the task a one-off. Answers
 * the task's series after the change (its template's id, or null), undefined when nothing changed.
 */
export async function setSeriesRule(tx: Tx, userId: string, task: SeriesTask, recurrence: Recurrence | null): Promise<string | null | undefined> {
  const [series] = task.recurring_task_id
    ? await tx<TemplateRow[]>`
        select ${templateColumns()}
        from recurring_tasks
        where id = ${task.recurring_task_id}
          and user_id = ${userId}
          and active
        for update`
    : [];
  if (recurrence === null) {
    if (!task.recurring_task_id) return undefined;
    if (series) await retireTemplate(tx, userId, series.id);
    await tx`
      update tasks
      set recurring_task_id = null,
        occurrence_at = null
      where id = ${task.id}`;
    return null;
  }
  if (series) {
    const { rule } = await settleRule(tx, userId, recurrence, series.starts_at);
    // jsonb keeps no undefined keys and its own key order: compare the rule as it would be stored.
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(rule)), series.recurrence)) return undefined;
    if (rule.mode === series.mode) {
      return (await changeTemplate(tx, userId, series, { recurrence })).id;
    }
    await retireTemplate(tx, userId, series.id);
  }
  if (!task.due_at) {
    throw new ValidationError([{ in: 'body', path: 'recurrence', message: 'needs due_at: the series starts at the due time' }], 'body recurrence: needs due_at');
  }
  return (await startSeries(tx, userId, task, recurrence, new Date(task.due_at))).id;
}
