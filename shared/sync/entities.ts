import type postgres from 'postgres';
import { inAppByIds } from '../db/notifications.ts';
import { remindersByIds } from '../db/reminders.ts';
import { getSettings } from '../db/settings.ts';
import { selectTags } from '../db/tags.ts';
import { type TaskRow, taskColumns, toTask } from '../db/task-row.ts';
import type { SyncEntity } from '../domain/sync.ts';

type Tx = postgres.TransactionSql;

interface Kind {
  /** The user's ids after `after` in id order, at most `limit` (a snapshot reads them page by page). */
  ids(tx: Tx, userId: string, after: string | null, limit: number): Promise<string[]>;
  /** The entities with these ids as their own GET answers them; a missing id was deleted. */
  load(tx: Tx, userId: string, ids: string[]): Promise<Map<string, unknown>>;
}

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));
const nil = '00000000-0000-0000-0000-000000000000';

/** A snapshot's page of one table's ids: the user's rows (those `only` keeps) after `after`, in id order. */
const idsIn =
  (table: 'tags' | 'tasks' | 'reminders' | 'notifications', only?: (tx: Tx) => postgres.PendingQuery<postgres.Row[]>): Kind['ids'] =>
  async (tx, userId, after, limit) => {
    const rows = await tx<{ id: string }[]>`
      select id
      from ${tx(table)}
      where user_id = ${userId}
        ${only ? only(tx) : tx``}
        and id > ${after ?? nil}::uuid
      order by id
      limit ${limit}`;
    return rows.map((r) => r.id);
  };

// The order a snapshot goes through them: settings and tags first, so a task's tags and a
// reminder's task are known by the time they arrive.
export const kinds: Record<SyncEntity, Kind> = {
  settings: {
    ids: (_tx, _userId, after) => Promise.resolve(after === null ? ['me'] : []),
    load: async (tx, userId) => new Map([['me', await getSettings(userId, tx)]]),
  },
  tag: {
    ids: idsIn('tags'),
    load: async (tx, userId, ids) => byId(await selectTags(tx, userId, tx`and g.id = any(${ids}::uuid[])`)),
  },
  task: {
    ids: idsIn('tasks'),
    load: async (tx, userId, ids) => {
      const rows = await tx<TaskRow[]>`
        select ${taskColumns()}
        from tasks t
        where t.user_id = ${userId}
          and t.id = any(${ids}::uuid[])`;
      return byId(rows.map(toTask));
    },
  },
  reminder: {
    ids: idsIn('reminders'),
    load: async (tx, userId, ids) => byId(await remindersByIds(tx, userId, ids)),
  },
  notification: {
    ids: idsIn('notifications', (tx) => tx`and channel = 'in_app'`),
    load: async (tx, userId, ids) => byId(await inAppByIds(tx, userId, ids)),
  },
};

export const kindOrder = Object.keys(kinds) as SyncEntity[];
