import type { Actor } from '../domain/actor.ts';
import type { Task, TaskCreate, TaskPatch } from '../domain/task.ts';
import { enqueue, writeTransaction } from '../events/outbox.ts';
import { type TaskField, taskEvent } from '../events/task-events.ts';
import { type Sql, type Tx, db } from './client.ts';
import { setSeriesRule } from './recurring-tasks.ts';
import { followTask, replaceReminders } from './reminders.ts';
import { getSettings } from './settings.ts';
import { linkTags, unlinkAllTags } from './task-tags.ts';
import { type TaskRow, ownTask, taskColumns, toTask } from './task-row.ts';

// Each exported function is one transaction that writes the change and its event together: a
// request either changes everything it asked for, event included, or nothing.


/** Runs in the transaction of a change that happened, with the task before and after it (chat records undo this way). */
export type OnChange = (tx: Tx, change: { before: Task | null; after: Task | null }) => Promise<void>;

/** `expected`: the version the client last saw (409 unless current; undefined skips the check). */
export interface WriteOptions {
  expected?: number | undefined;
  onChange?: OnChange | undefined;
}

/** `id`: an undo brings a deleted task back under the id it had, so links to it keep working. */
export async function createTask({ userId, source }: Actor, input: TaskCreate, onChange?: OnChange, id?: string): Promise<Task> {
  return writeTransaction(async (tx) => {
    const [row] = await tx<TaskRow[]>`
      insert into tasks (id, user_id, title, description, priority, due_at)
      values (coalesce(${id ?? null}::uuid, gen_random_uuid()), ${userId}, ${input.title}, ${input.description}, ${input.priority}, ${input.due_at})
      returning
        id, title, description, priority, due_at, completed, completed_at,
        created_at, updated_at, version, recurring_task_id,
        coalesce(due_at < now(), false) as overdue,
        '{}'::text[] as tags`;
    row!.tags = await linkTags(tx, userId, row!.id, input.tags);
    if (input.recurrence) row!.recurring_task_id = (await setSeriesRule(tx, userId, toTask(row!), input.recurrence))!;
    const reminders = input.reminders ?? (await defaultReminders(tx, userId, input));
    if (reminders.length > 0) await replaceReminders(tx, userId, row!.id, reminders, 'reminders.');
    const task = toTask(row!);
    await enqueue(tx, [taskEvent('com.taskfn.task.created', source, { user_id: userId, task })]);
    await onChange?.(tx, { before: null, after: task });
    return task;
  });
}

async function defaultReminders(tx: Tx, userId: string, input: TaskCreate) {
  if (!input.due_at) return [];
  const offset = (await getSettings(userId, tx)).default_reminder_offset;
  return offset ? [{ offset }] : [];
}

export async function findTask(userId: string, id: string, tx: Tx | Sql = db()): Promise<Task | null> {
  const [row] = await tx<TaskRow[]>`
    select ${taskColumns()}
    from tasks t
    where t.id = ${id}
      and t.user_id = ${userId}`;
  return row ? toTask(row) : null;
}

export async function getTask(userId: string, id: string): Promise<Task> {
  const sql = db();
  return ownTask(sql, userId, id);
}

const sameTags = (a: string[], b: string[]) =>
  a.length === b.length && a.map((t) => t.toLowerCase()).sort().join('\n') === b.map((t) => t.toLowerCase()).sort().join('\n');

/** The fields a patch would really change; a patch that changes nothing writes nothing. */
function changedFields(current: Task, patch: TaskPatch): TaskField[] {
  const changed: TaskField[] = [];
  for (const field of ['title', 'description', 'priority'] as const) {
    if (patch[field] !== undefined && patch[field] !== current[field]) changed.push(field);
  }
  if (patch.due_at !== undefined && (patch.due_at === null ? null : Date.parse(patch.due_at)) !== (current.due_at === null ? null : Date.parse(current.due_at))) {
    changed.push('due_at');
  }
  if (patch.tags !== undefined && !sameTags(patch.tags, current.tags)) changed.push('tags');
  return changed;
}

/**
 * `recurrence` starts, changes or (null) stops the task's series on the task as the rest of the
 * patch leaves it (shared/db/recurring-tasks.ts setSeriesRule), in the same transaction and event.
 */
export async function updateTask({ userId, source }: Actor, id: string, patch: TaskPatch, { expected, onChange }: WriteOptions = {}): Promise<Task> {
  return writeTransaction(async (tx) => {
    const current = await ownTask(tx, userId, id, { lock: true, expected });
    const changed = changedFields(current, patch);
    if (patch.recurrence !== undefined) {
      const patched = { ...current, ...Object.fromEntries(changed.map((f) => [f, patch[f]])) };
      if ((await setSeriesRule(tx, userId, patched, patch.recurrence)) !== undefined) changed.push('recurrence');
    }
    if (changed.length === 0) return current;
    // One statement shape for every patch: a null parameter keeps the column (due_at, which may be
    // set to null, says with a flag whether it changes).
    await tx`
      update tasks
      set title = coalesce(${changed.includes('title') ? patch.title! : null}, title),
        description = coalesce(${changed.includes('description') ? patch.description! : null}, description),
        priority = coalesce(${changed.includes('priority') ? patch.priority! : null}::task_priority, priority),
        due_at = case when ${changed.includes('due_at')} then ${patch.due_at ?? null}::timestamptz else due_at end,
        version = version + 1,
        updated_at = now()
      where id = ${id}`;
    if (changed.includes('tags')) {
      await unlinkAllTags(tx, id);
      await linkTags(tx, userId, id, patch.tags!);
    }
    if (changed.includes('due_at')) await followTask(tx, userId, id, 'due', patch.due_at ? new Date(patch.due_at) : null);
    const task = (await findTask(userId, id, tx))!;
    await enqueue(tx, [taskEvent('com.taskfn.task.updated', source, { user_id: userId, task, changed })]);
    await onChange?.(tx, { before: current, after: task });
    return task;
  });
}

export async function deleteTask({ userId, source }: Actor, id: string, { expected, onChange }: WriteOptions = {}): Promise<void> {
  await writeTransaction(async (tx) => {
    const task = await ownTask(tx, userId, id, { lock: true, expected });
    await tx`
      delete from tasks
      where id = ${id}`;
    await enqueue(tx, [taskEvent('com.taskfn.task.deleted', source, { user_id: userId, task })]);
    await onChange?.(tx, { before: task, after: null });
  });
}

/** Completing a completed task (or reopening an open one) changes nothing and answers the task. */
export async function setCompleted({ userId, source }: Actor, id: string, completed: boolean, { expected, onChange }: WriteOptions = {}): Promise<Task> {
  return writeTransaction(async (tx) => {
    const current = await ownTask(tx, userId, id, { lock: true, expected });
    if (current.completed === completed) return current;
    await tx`
      update tasks
      set completed = ${completed},
        completed_at = case when ${completed}::boolean then now() end,
        version = version + 1,
        updated_at = now()
      where id = ${id}`;
    await followTask(tx, userId, id, completed ? 'completed' : 'reopened');
    const task = (await findTask(userId, id, tx))!;
    if (completed) {
      const offsets = await tx<{ offset_text: string }[]>`
        select offset_text
        from reminders
        where task_id = ${id}
          and offset_text is not null
        order by created_at, id`;
      const reminderOffsets = offsets.map((r) => r.offset_text);
      await enqueue(tx, [taskEvent('com.taskfn.task.completed', source, { user_id: userId, task, reminder_offsets: reminderOffsets })]);
    } else {
      await enqueue(tx, [taskEvent('com.taskfn.task.uncompleted', source, { user_id: userId, task })]);
    }
    await onChange?.(tx, { before: current, after: task });
    return task;
  });
}
