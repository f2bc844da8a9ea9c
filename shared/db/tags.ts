import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { Tag } from '../domain/tag.ts';
import { enqueue, writeTransaction } from '../events/outbox.ts';
import { taskEvent } from '../events/task-events.ts';
import { type Sql, type Tx, db } from './client.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { type TaskRow, taskColumns, toTask } from './task-row.ts';
import type { Actor } from '../domain/actor.ts';

interface TagRow {
  id: string;
  name: string;
  task_count: number;
  created_at: Date;
}

const toTag = (r: TagRow): Tag => ({
  id: r.id,
  name: r.name,
  task_count: r.task_count,
  created_at: r.created_at.toISOString(),
});

export async function selectTags(tx: Tx | Sql, userId: string, filter = tx``): Promise<Tag[]> {
  const rows = await tx<TagRow[]>`
    select g.id, g.name, g.created_at,
      (select count(*)::int from task_tags tt where tt.tag_id = g.id) as task_count
    from tags g
    where g.user_id = ${userId}
      ${filter}
    order by lower(g.name)`;
  return rows.map(toTag);
}

export const listTags = (userId: string) => selectTags(db(), userId);

export async function createTag(userId: string, name: string): Promise<Tag> {
  const sql = db();
  return syncedTransaction(sql, async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into tags (user_id, name)
      values (${userId}, ${name})
      on conflict (user_id, lower(name)) do nothing
      returning id`;
    if (!row) throw await nameTaken(tx, userId, name);
    return (await selectTags(tx, userId, tx`and g.id = ${row.id}`))[0]!;
  });
}

export async function renameTag({ userId, source }: Actor, id: string, name: string): Promise<Tag> {
  return writeTransaction(async (tx) => {
    const [clash] = await tx<{ id: string }[]>`
      select id
      from tags
      where user_id = ${userId}
        and lower(name) = lower(${name})
        and id <> ${id}`;
    if (clash) throw await nameTaken(tx, userId, name);
    await lockTag(tx, userId, id);
    const [row] = await tx`
      update tags
      set name = ${name}
      where id = ${id}
        and user_id = ${userId}
      returning id`;
    if (!row) throw new NotFoundError('tag');
    await touchTasksOf(tx, { userId, source }, await taskIdsOf(tx, userId, id));
    return (await selectTags(tx, userId, tx`and g.id = ${id}`))[0]!;
  });
}

export async function deleteTag({ userId, source }: Actor, id: string): Promise<void> {
  await writeTransaction(async (tx) => {
    await lockTag(tx, userId, id);
    // Before the delete: afterwards the links are gone and the tasks can no longer be found.
    const taskIds = await taskIdsOf(tx, userId, id);
    const [row] = await tx`
      delete from tags
      where id = ${id}
        and user_id = ${userId}
      returning id`;
    if (!row) throw new NotFoundError('tag');
    await touchTasksOf(tx, { userId, source }, taskIds);
  });
}

/**
 * Waits for the transactions linking a task to this tag (their foreign key check holds a share lock
 * on it) and keeps new ones out, so that the tasks read next are all the tasks the change touches.
 */
async function lockTag(tx: Tx, userId: string, id: string): Promise<void> {
  const [row] = await tx`
    select id
    from tags
    where id = ${id}
      and user_id = ${userId}
    for update`;
  if (!row) throw new NotFoundError('tag');
}

async function taskIdsOf(tx: Tx, userId: string, tagId: string): Promise<string[]> {
  const rows = await tx<{ task_id: string }[]>`
    select tt.task_id
    from task_tags tt
    join tags g on g.id = tt.tag_id
    where tt.tag_id = ${tagId}
      and g.user_id = ${userId}`;
  return rows.map((r) => r.task_id);
}

/**
 * A tag is part of each task that carries it: renaming or deleting it changes those tasks, so their
 * version moves on (a client holding the old version gets a 409 rather than overwriting) and each
 * gets a task.updated event naming `tags`.
 */
async function touchTasksOf(tx: Tx, { userId, source }: Actor, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  const rows = await tx<TaskRow[]>`
    with touched as (
      update tasks
      set version = version + 1,
        updated_at = now()
      where id = any(${taskIds}::uuid[])
        and user_id = ${userId}
      returning id
    )
    select ${taskColumns()}
    from tasks t
    where t.id in (select id from touched)`;
  await enqueue(
    tx,
    rows.map((row) => taskEvent('com.taskfn.task.updated', source, { user_id: userId, task: toTask(row), changed: ['tags'] })),
  );
}

async function nameTaken(tx: Tx, userId: string, name: string): Promise<ConflictError> {
  const [existing] = await selectTags(tx, userId, tx`and lower(g.name) = lower(${name})`);
  return new ConflictError('tag_exists', `a tag named "${existing?.name ?? name}" already exists`, existing ? [existing] : []);
}
