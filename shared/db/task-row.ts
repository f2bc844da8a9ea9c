import { NotFoundError, VersionConflictError } from '../domain/errors.ts';
import type { Task } from '../domain/task.ts';
import { type Sql, type Tx, db } from './client.ts';

export interface TaskRow {
  id: string;
  title: string;
  description: string;
  priority: Task['priority'];
  due_at: Date | null;
  completed: boolean;
  completed_at: Date | null;
  overdue: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
  tags: string[];
  recurring_task_id: string | null;
}

/** The select list every task read uses, over `tasks t`: the stored columns plus overdue and tags. */
export const taskColumns = () => db()`
  t.id, t.title, t.description, t.priority, t.due_at, t.completed, t.completed_at,
  t.created_at, t.updated_at, t.version, t.recurring_task_id,
  coalesce(not t.completed and t.due_at < now(), false) as overdue,
  array(
    select g.name
    from task_tags tt
    join tags g on g.id = tt.tag_id
    where tt.task_id = t.id
    order by lower(g.name)
  ) as tags`;

/**
 * One of the caller's tasks: 404 when it is missing or anyone else's. `lock`: locked for the
 * caller's transaction; `expected`: 409 with the task unless it is at that version.
 */
export async function ownTask(
  db: Tx | Sql,
  userId: string,
  id: string,
  { lock = false, expected }: { lock?: boolean; expected?: number | undefined } = {},
): Promise<Task> {
  const [row] = await db<TaskRow[]>`
    select ${taskColumns()}
    from tasks t
    where t.id = ${id}
      and t.user_id = ${userId}
    ${lock ? db`for update of t` : db``}`;
  if (!row) throw new NotFoundError('task');
  const task = toTask(row);
  if (expected !== undefined && task.version !== expected) throw new VersionConflictError(task);
  return task;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    due_at: iso(row.due_at),
    tags: row.tags,
    completed: row.completed,
    completed_at: iso(row.completed_at),
    overdue: row.overdue,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
    recurring_task_id: row.recurring_task_id,
  };
}
