import type { Tx } from './client.ts';

/**
 * Links a task to the named tags, creating the names the user does not have yet, and returns the
 * names as stored (an existing tag keeps its spelling). Two statements on purpose: the second one
 * sees tags a concurrent request created between them, which one CTE's snapshot would miss.
 */
export async function linkTags(tx: Tx, userId: string, taskId: string, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  await tx`
    insert into tags (user_id, name)
    select distinct on (lower(n)) ${userId}, n
    from unnest(${names}::text[]) with ordinality as w(n, i)
    order by lower(n), i
    on conflict (user_id, lower(name)) do nothing`;
  const rows = await tx<{ name: string }[]>`
    with linked as (
      insert into task_tags (task_id, tag_id)
      select ${taskId}, g.id
      from tags g
      where g.user_id = ${userId}
        and lower(g.name) in (select lower(n) from unnest(${names}::text[]) as w(n))
      returning tag_id
    )
    select g.name
    from tags g
    join linked l on l.tag_id = g.id
    order by lower(g.name)`;
  return rows.map((r) => r.name);
}

export async function unlinkAllTags(tx: Tx, taskId: string): Promise<void> {
  await tx`
    delete from task_tags
    where task_id = ${taskId}`;
}
