import { NotFoundError, VersionConflictError } from '../domain/errors.ts';
import type { Task, TaskCreate, TaskPatch } from '../domain/task.ts';
import { sql, type Tx } from './client.ts';
import { linkTags, unlinkAllTags } from './task-tags.ts';
import { type TaskRow, taskColumns, toTask } from './task-row.ts';

// Each exported function is one transaction: a request either changes everything it asked for or
// nothing. `expected` is the version the client last saw; undefined skips the check.

export async function createTask(userId: string, input: TaskCreate): Promise<Task> {
  return sql.begin(async (tx) => {
    const [row] = await tx<TaskRow[]>`
      insert into tasks (user_id, title, description, priority, due_at)
      values (${userId}, ${input.title}, ${input.description}, ${input.priority}, ${input.due_at})
      returning
        id, title, description, priority, due_at, completed, completed_at,
        created_at, updated_at, version,
        coalesce(due_at < now(), false) as overdue,
        '{}'::text[] as tags`;
    row!.tags = await linkTags(tx, userId, row!.id, input.tags);
    return toTask(row!);
  });
}

export async function findTask(userId: string, id: string, tx: Tx | typeof sql = sql): Promise<Task | null> {
  const [row] = await tx<TaskRow[]>`
    select ${taskColumns}
    from tasks t
    where t.id = ${id}
      and t.user_id = ${userId}`;
  return row ? toTask(row) : null;
}

export async function getTask(userId: string, id: string): Promise<Task> {
  const task = await findTask(userId, id);
  if (!task) throw new NotFoundError('task');
  return task;
}

export async function updateTask(userId: string, id: string, patch: TaskPatch, expected?: number): Promise<Task> {
  return sql.begin(async (tx) => {
    // One statement shape for every patch: a null parameter keeps the column (due_at, which may be
    // set to null, says with a flag whether it was given).
    const [row] = await tx<{ id: string }[]>`
      update tasks
      set title = coalesce(${patch.title ?? null}, title),
        description = coalesce(${patch.description ?? null}, description),
        priority = coalesce(${patch.priority ?? null}::task_priority, priority),
        due_at = case when ${patch.due_at !== undefined} then ${patch.due_at ?? null}::timestamptz else due_at end,
        version = version + 1,
        updated_at = now()
      where id = ${id}
        and user_id = ${userId}
        and (${expected ?? null}::int is null or version = ${expected ?? null})
      returning id`;
    if (!row) await explainMiss(tx, userId, id);
    if (patch.tags) {
      await unlinkAllTags(tx, id);
      await linkTags(tx, userId, id, patch.tags);
    }
    return (await findTask(userId, id, tx))!;
  });
}

export async function deleteTask(userId: string, id: string, expected?: number): Promise<void> {
  await sql.begin(async (tx) => {
    const [row] = await tx`
      delete from tasks
      where id = ${id}
        and user_id = ${userId}
        and (${expected ?? null}::int is null or version = ${expected ?? null})
      returning id`;
    if (!row) await explainMiss(tx, userId, id);
  });
}

/** Completing a completed task (or reopening an open one) changes nothing and answers the task. */
export async function setCompleted(userId: string, id: string, completed: boolean, expected?: number): Promise<Task> {
  return sql.begin(async (tx) => {
    const [row] = await tx`
      update tasks
      set completed = ${completed},
        completed_at = case when ${completed}::boolean then now() end,
        version = version + 1,
        updated_at = now()
      where id = ${id}
        and user_id = ${userId}
        and completed <> ${completed}
        and (${expected ?? null}::int is null or version = ${expected ?? null})
      returning id`;
    const task = await findTask(userId, id, tx);
    if (!task) throw new NotFoundError('task');
    if (!row && expected !== undefined && task.version !== expected) throw new VersionConflictError(task);
    return task;
  });
}

/** A guarded write touched no row: the task is missing (or another user's), or its version moved on. */
async function explainMiss(tx: Tx, userId: string, id: string): Promise<never> {
  const current = await findTask(userId, id, tx);
  if (!current) throw new NotFoundError('task');
  throw new VersionConflictError(current);
}
