import { createHash } from 'node:crypto';
import * as z from 'zod';
import { cursorError, decodeCursor, encodeCursor } from '../db/cursor.ts';
import { AppError } from '../domain/errors.ts';

// A sync cursor is where a client stands in its own history: after change `s`, or part-way through
// a snapshot taken at `h` (the next entity kind `k`, after id `a`). It names its user by a hash, so
// one user's cursor is refused for another; a forged position within one's own history reveals only
// one's own changes.

const Position = z.union([
  z.strictObject({ u: z.string(), s: z.number().int().min(0) }),
  z.strictObject({ u: z.string(), h: z.number().int().min(0), k: z.number().int().min(0).max(4), a: z.uuid().nullable() }),
]);

export type Position = { s: number } | { h: number; k: number; a: string | null };

const userTag = (userId: string) => createHash('sha256').update(userId).digest('base64url').slice(0, 16);

export const encodeSyncCursor = (userId: string, position: Position): string => encodeCursor({ u: userTag(userId), ...position });

/** The position of a cursor this user was given, or a 400 naming `cursor`. */
export function decodeSyncCursor(userId: string, raw: string): Position {
  const { u, ...position } = decodeCursor(Position, raw);
  if (u !== userTag(userId)) throw cursorError('is not a cursor this API issued');
  return position;
}

/** 410: the changes after this cursor are no longer kept (or never were); the client starts over. */
export class CursorExpiredError extends AppError {
  override name = 'CursorExpiredError';
  constructor(message = 'the changes after this cursor are no longer kept; start over without a cursor') {
    super(410, 'cursor_expired', message);
  }
}
