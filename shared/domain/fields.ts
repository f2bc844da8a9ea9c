import * as z from 'zod';

// Field rules shared by every schema. Rules are patterns rather than refinements where they can be,
// so the OpenAPI document states them too. PostgreSQL cannot store NUL in text: refused here rather
// than failing in the database.
export const text = (max: number, { trim = false } = {}) =>
  (trim ? z.string().trim() : z.string())
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex -- finding NUL is the point
    .regex(/^[^\u0000]*$/, 'must not contain NUL characters');

/**
 * An ISO 8601 date-time with an offset (Z or ±hh:mm), in years 1900-9999; zod also rejects dates
 * like Feb 30. The year bound keeps every value one PostgreSQL and JavaScript both read back.
 */
export const dateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset, like 2026-05-01T09:00:00+02:00' })
  .regex(/^(19|[2-9]\d)\d\d-/, 'must be in the years 1900 to 9999');

/** "a,b,c" in a query string, each part checked by `item`. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p !== ''))
    .pipe(z.array(item).min(1, 'must name at least one value'));

export const IdParams = z.object({ id: z.uuid('must be a UUID') });

/** A row version as clients send it back (If-Match or a body field); PostgreSQL's integer range. */
export const Version = z.number().int().min(1).max(2_147_483_647);
