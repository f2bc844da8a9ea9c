import type { Tx } from './client.ts';

/**
 * Links a task to the named tags, creating the names the user does not have yet, and returns the
 * names as stored (an existing tag keeps its spelling). Two statements on purpose: the second one
 * sees tags a concurrent request created between them, which one CTE's snapshot would miss. A tag
 * deleted by a concurrent request between them is missing from the second: those names go round
 * again (created anew), so a task never silently loses a tag it was given.
 */
export async function linkTags(tx: Tx, userId: string, taskId: string, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const linked = await linkOnce(tx, userId, taskId, names);
  for (let round = 0; round < 3 && linked.length < new Set(names.map((n) => n.toLowerCase())).size; round++) {
    const done = new Set(linked.map((n) => n.toLowerCase()));
    linked.push(...(await linkOnce(tx, userId, taskId, names.filter((n) => !done.has(n.toLowerCase())))));
    linked.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  }
  return linked;
}

async function linkOnce(tx: Tx, userId: string, taskId: string, names: string[]): Promise<string[]> {
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
      on conflict do nothing
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
