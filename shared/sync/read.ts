import type postgres from 'postgres';
import type { SyncChange, SyncPage } from '../domain/sync.ts';
import { CursorExpiredError, type Position, decodeSyncCursor, encodeSyncCursor } from './cursor.ts';
import { kindOrder, kinds } from './entities.ts';

type Sql = postgres.Sql;
type Tx = postgres.TransactionSql;

/** A page, and the head it was read at (the hub waits for the head to move past it). */
export type SyncRead = SyncPage & { head: number };

/**
 * One page of the user's sync: a snapshot page without a cursor (or part-way through one), else the
 * changes after the cursor. Read in one repeatable-read transaction: the head, the log and the
 * entities are all seen at the same instant, so the cursor it answers is exact.
 */
export async function readSync(sql: Sql, userId: string, cursor: string | undefined, limit: number): Promise<SyncRead> {
  const position: Position = cursor === undefined ? { h: -1, k: 0, a: null } : decodeSyncCursor(userId, cursor);
  return sql.begin('isolation level repeatable read read only', async (tx): Promise<SyncRead> => {
    const [row] = await tx<{ seq: string; pruned_through: string }[]>`
      select seq, pruned_through
      from sync_heads
      where user_id = ${userId}`;
    const head = Number(row?.seq ?? 0);
    const pruned = Number(row?.pruned_through ?? 0);
    const at = 's' in position ? position.s : position.h === -1 ? head : position.h;
    // Before the oldest kept change, or after the newest (a database restored from a backup).
    if (at < pruned) throw new CursorExpiredError();
    if (at > head) throw new CursorExpiredError('this cursor is ahead of the changes kept here; start over without a cursor');
    const page = 's' in position ? await changesAfter(tx, userId, position.s, head, limit) : await snapshot(tx, userId, { ...position, h: at }, limit);
    return { ...page, head };
  });
}

/** The entities changed after `after`, each once at its latest change, oldest change first. */
async function changesAfter(tx: Tx, userId: string, after: number, head: number, limit: number): Promise<SyncPage> {
  const rows = await tx<{ entity: SyncChange['entity']; id: string; seq: string }[]>`
    select entity, id, max(seq) as seq
    from sync_log
    where user_id = ${userId}
      and seq > ${after}
    group by entity, id
    order by max(seq)
    limit ${limit + 1}`;
  const more = rows.length > limit;
  const taken = rows.slice(0, limit);
  const data = new Map<string, Map<string, unknown>>();
  for (const entity of kindOrder) {
    const ids = taken.filter((r) => r.entity === entity).map((r) => r.id);
    if (ids.length > 0) data.set(entity, await kinds[entity].load(tx, userId, ids));
  }
  const changes = taken.map((r): SyncChange => {
    const current = data.get(r.entity)!.get(r.id) ?? null;
    return { seq: Number(r.seq), entity: r.entity, id: r.id, op: current ? 'upsert' : 'delete', data: current as SyncChange['data'] };
  });
  // Each change has a number of its own, so a page can end between any two of them.
  const through = more ? changes.at(-1)!.seq : head;
  return { changes, cursor: encodeSyncCursor(userId, { s: through }), more };
}

/**
 * A page of everything the user has, as upserts at the snapshot's head `h`. Later pages read the
 * state of their own moment; whatever changed after `h` comes again in the changes after it, the
 * cursor the last page ends on.
 */
async function snapshot(tx: Tx, userId: string, { h, k, a }: { h: number; k: number; a: string | null }, limit: number): Promise<SyncPage> {
  const changes: SyncChange[] = [];
  let after = a;
  for (let kind = k; kind < kindOrder.length; kind++, after = null) {
    const entity = kindOrder[kind]!;
    const room = limit - changes.length;
    const ids = await kinds[entity].ids(tx, userId, after, room + 1);
    const taken = ids.slice(0, room);
    const data = taken.length > 0 ? await kinds[entity].load(tx, userId, taken) : new Map<string, unknown>();
    for (const id of taken) {
      const current = data.get(id);
      if (current) changes.push({ seq: h, entity, id, op: 'upsert', data: current as SyncChange['data'] });
    }
    if (ids.length > room) return { changes, cursor: encodeSyncCursor(userId, { h, k: kind, a: taken.at(-1)! }), more: true };
    if (changes.length === limit && kind + 1 < kindOrder.length) {
      return { changes, cursor: encodeSyncCursor(userId, { h, k: kind + 1, a: null }), more: true };
    }
  }
  return { changes, cursor: encodeSyncCursor(userId, { s: h }), more: false };
}
