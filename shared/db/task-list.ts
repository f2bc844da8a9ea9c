import * as z from 'zod';
import { type TaskPage, type TaskQuery, TaskSort, defaultOrder } from '../domain/task.ts';
import { type Sql, db } from './client.ts';
import { cursorError, decodeCursor, pageOf } from './cursor.ts';
import { type TaskRow, taskColumns, toTask } from './task-row.ts';

// The cursor carries the sort and order it was issued for, and the last item's sort value as text.
const Cursor = z.object({
  s: TaskSort,
  o: z.enum(['asc', 'desc']),
  v: z.string().nullable(),
  id: z.uuid(),
});

function afterCursor(raw: string, sort: TaskSort, order: 'asc' | 'desc') {
  const cursor = decodeCursor(Cursor, raw);
  if (cursor.s !== sort || cursor.o !== order) throw cursorError('was issued for another sort or order');
  return cursor;
}

// Each sort key: its expression over `tasks t`, and how a cursor's text value is cast back. The
// value goes in as text: postgres.js would send a timestamptz parameter through a JS Date and lose
// the microseconds that make the comparison exact.
const sortKeys = (sql: Sql) => ({
  due_at: { expr: sql`t.due_at`, cast: (v: string) => sql`${v}::text::timestamptz` },
  created_at: { expr: sql`t.created_at`, cast: (v: string) => sql`${v}::text::timestamptz` },
  updated_at: { expr: sql`t.updated_at`, cast: (v: string) => sql`${v}::text::timestamptz` },
  priority: { expr: sql`t.priority`, cast: (v: string) => sql`${v}::text::task_priority` },
  title: { expr: sql`lower(t.title)`, cast: (v: string) => sql`${v}::text` },
}) satisfies Record<TaskSort, unknown>;

export async function listTasks(userId: string, query: TaskQuery): Promise<TaskPage> {
  const sql = db();
  const order = query.order ?? defaultOrder(query.sort);
  const key = sortKeys(sql)[query.sort];
  const none = sql``;
  const after = query.cursor ? afterCursor(query.cursor, query.sort, order) : null;
  const dir = order === 'asc' ? sql`asc` : sql`desc`;
  const beyond = order === 'asc' ? sql`>` : sql`<`;
  // Tasks without a due date sort last in both directions.
  const beyondCursor = after === null
    ? none
    : after.v === null
      ? sql`and ${key.expr} is null and t.id ${beyond} ${after.id}::uuid`
      : sql`and ((${key.expr}, t.id) ${beyond} (${key.cast(after.v)}, ${after.id}::uuid) or ${key.expr} is null)`;

  const rows = await sql<(TaskRow & { sort_key: string | null })[]>`
    select ${taskColumns()}, (${key.expr})::text as sort_key
    from tasks t
    where t.user_id = ${userId}
      ${query.status === 'open' ? sql`and not t.completed` : query.status === 'completed' ? sql`and t.completed` : none}
      ${query.q ? sql`and t.search @@ ${prefixQuery(query.q)}` : none}
      ${query.priority ? sql`and t.priority = any(${query.priority}::task_priority[])` : none}
      ${query.tag ? tagFilter(userId, query.tag) : none}
      ${query.due_before ? sql`and t.due_at < ${query.due_before}::timestamptz` : none}
      ${query.due_after ? sql`and t.due_at >= ${query.due_after}::timestamptz` : none}
      ${query.overdue === true ? sql`and not t.completed and t.due_at < now()` : none}
      ${query.completed_after ? sql`and t.completed_at >= ${query.completed_after}::timestamptz` : none}
      ${query.overdue === false ? sql`and (t.completed or t.due_at is null or t.due_at >= now())` : none}
      ${beyondCursor}
    order by ${key.expr} ${dir} nulls last, t.id ${dir}
    limit ${query.limit + 1}`;

  const result = pageOf(rows, query.limit, (last) => ({ s: query.sort, o: order, v: last.sort_key, id: last.id }));
  return { items: result.rows.map(toTask), next_cursor: result.next_cursor };
}

/**
 * Every word of the search, as PostgreSQL's own parser splits it, must prefix-match a word of the
 * task. Lexemes are quoted, so nothing a user types is read as tsquery syntax.
 */
function prefixQuery(q: string) {
  const sql = db();
  return sql`(
    select to_tsquery('simple', coalesce(string_agg(quote_literal(lexeme) || ':*', ' & '), ''))
    from unnest(to_tsvector('simple', ${q}))
  )`;
}

/** Tasks carrying every one of the named tags (names compared without case). */
function tagFilter(userId: string, names: string[]) {
  const sql = db();
  return sql`and t.id in (
    select tt.task_id
    from task_tags tt
    join tags g on g.id = tt.tag_id
    where g.user_id = ${userId}
      and lower(g.name) in (select distinct lower(n) from unnest(${names}::text[]) as w(n))
    group by tt.task_id
    having count(*) = (select count(distinct lower(n)) from unnest(${names}::text[]) as w(n))
  )`;
}
