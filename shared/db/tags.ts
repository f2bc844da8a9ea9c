import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { Tag } from '../domain/tag.ts';
import { sql, type Tx } from './client.ts';

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

async function selectTags(tx: Tx | typeof sql, userId: string, filter = tx``): Promise<Tag[]> {
  const rows = await tx<TagRow[]>`
    select g.id, g.name, g.created_at,
      (select count(*)::int from task_tags tt where tt.tag_id = g.id) as task_count
    from tags g
    where g.user_id = ${userId}
      ${filter}
    order by lower(g.name)`;
  return rows.map(toTag);
}

export const listTags = (userId: string) => selectTags(sql, userId);

export async function createTag(userId: string, name: string): Promise<Tag> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into tags (user_id, name)
      values (${userId}, ${name})
      on conflict (user_id, lower(name)) do nothing
      returning id`;
    if (!row) throw await nameTaken(tx, userId, name);
    return (await selectTags(tx, userId, tx`and g.id = ${row.id}`))[0]!;
  });
}

export async function renameTag(userId: string, id: string, name: string): Promise<Tag> {
  return sql.begin(async (tx) => {
    const [clash] = await tx<{ id: string }[]>`
      select id
      from tags
      where user_id = ${userId}
        and lower(name) = lower(${name})
        and id <> ${id}`;
    if (clash) throw await nameTaken(tx, userId, name);
    const [row] = await tx`
      update tags
      set name = ${name}
      where id = ${id}
        and user_id = ${userId}
      returning id`;
    if (!row) throw new NotFoundError('tag');
    await touchTasksOf(tx, userId, id);
    return (await selectTags(tx, userId, tx`and g.id = ${id}`))[0]!;
  });
}

export async function deleteTag(userId: string, id: string): Promise<void> {
  await sql.begin(async (tx) => {
    // Before the delete: afterwards the links are gone and the tasks can no longer be found.
    await touchTasksOf(tx, userId, id);
    const [row] = await tx`
      delete from tags
      where id = ${id}
        and user_id = ${userId}
      returning id`;
    if (!row) throw new NotFoundError('tag');
  });
}

/**
 * A tag is part of each task that carries it: renaming or deleting it changes those tasks, so their
 * version moves on and a client holding the old version gets a 409 rather than overwriting.
 */
async function touchTasksOf(tx: Tx, userId: string, tagId: string): Promise<void> {
  await tx`
    update tasks
    set version = version + 1,
      updated_at = now()
    where id in (
      select tt.task_id
      from task_tags tt
      join tags g on g.id = tt.tag_id
      where tt.tag_id = ${tagId}
        and g.user_id = ${userId}
    )`;
}

async function nameTaken(tx: Tx, userId: string, name: string): Promise<ConflictError> {
  const [existing] = await selectTags(tx, userId, tx`and lower(g.name) = lower(${name})`);
  return new ConflictError('tag_exists', `a tag named "${existing?.name ?? name}" already exists`, existing ? [existing] : []);
}
