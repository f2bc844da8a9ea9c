import { z } from 'zod';

// Field rules shared by every schema. PostgreSQL cannot store NUL in text, so it is refused here
// rather than failing in the database.
const noNul = (s: string) => !s.includes('\u0000');

export const text = (max: number, { trim = false } = {}) =>
  (trim ? z.string().trim() : z.string())
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, 'must not contain NUL characters');

/** An ISO 8601 date-time with an offset (Z or ±hh:mm); zod also rejects dates like Feb 30. */
export const dateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with an offset, like 2026-05-01T09:00:00+02:00',
});

/** "a,b,c" in a query string, each part checked by `item`. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p !== ''))
    .pipe(z.array(item).min(1, 'must name at least one value'));

export const IdParams = z.object({ id: z.uuid('must be a UUID') });
