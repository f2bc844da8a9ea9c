import * as z from 'zod';
import { ValidationError } from '../domain/errors.ts';

// Keyset pagination: a cursor holds the last item's sort value and id, so a page never shifts when
// rows are inserted or deleted before it (OFFSET would skip or repeat rows). It is opaque to
// clients: base64url JSON, checked with the list's own schema when it comes back.

/** A cursor over a timestamp column and an id; the time stays the column's text, microseconds included. */
export const timeCursor = <Id extends z.ZodType<string>>(id: Id) => z.object({ t: z.string(), id });

export const encodeCursor = (cursor: unknown): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** The cursor a list issued, or a 400 naming the `cursor` query parameter. */
export function decodeCursor<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw cursorError('is not a cursor this API issued');
  }
}

export const cursorError = (message: string) => new ValidationError([{ in: 'query', path: 'cursor', message }], `query cursor: ${message}`);

/**
 * One page out of `limit + 1` rows read: the extra row only says there is more, and the cursor
 * points after the page's last row.
 */
export function pageOf<R>(rows: R[], limit: number, cursorOf: (last: R) => unknown): { rows: R[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
