import type postgres from 'postgres';

/**
 * Deletes change-log entries older than `days`, at most `limit` a call so a tick holds no long
 * locks, and moves each user's `pruned_through` past what went: a cursor before it answers 410.
 * Any entry deleted has a number at or below its user's `pruned_through`, so a cursor at or after
 * it still finds every entry it needs, whatever order the entries were written in.
 */
export async function pruneSyncLog(sql: postgres.Sql, days: number, limit = 10_000): Promise<number> {
  const cutoff = new Date(Date.now() - days * 86_400_000);
  const [row] = await sql<{ pruned: number }[]>`
    with gone as (
      delete from sync_log
      where (user_id, seq) in (
        select user_id, seq
        from sync_log
        where at < ${cutoff}
        order by at
        limit ${limit}
      )
      returning user_id, seq
    ), through as (
      select user_id, max(seq) as seq
      from gone
      group by user_id
    ), moved as (
      update sync_heads h
      set pruned_through = greatest(h.pruned_through, t.seq)
      from through t
      where h.user_id = t.user_id
      returning 1
    )
    select count(*)::int as pruned
    from gone`;
  return row!.pruned;
}
