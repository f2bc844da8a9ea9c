import * as z from 'zod';
import { commaList, dateTime } from './fields.ts';

export const activityTypes = ['task.created', 'task.updated', 'task.deleted', 'task.completed', 'task.uncompleted'] as const;

export const ActivityEntry = z.object({
  id: z.string(),
  event_id: z.string(),
  type: z.enum(activityTypes),
  entity_type: z.literal('task'),
  entity_id: z.uuid(),
  occurred_at: z.iso.datetime(),
  details: z.record(z.string(), z.unknown()),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

export const ActivityQuery = z.strictObject({
  entity_id: z.uuid('must be a UUID').optional(),
  type: commaList(z.enum(activityTypes)).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ActivityQuery = z.infer<typeof ActivityQuery>;

export const ActivityPage = z.object({ items: z.array(ActivityEntry), next_cursor: z.string().nullable() });
export type ActivityPage = z.infer<typeof ActivityPage>;

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const TimeZone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, like Europe/Berlin');

const dayMs = 86_400_000;
export const maxSummaryDays = 800;

/**
 * The window a summary covers: `to` defaults to now, `from` to 30 days (or 12 weeks) before `to`.
 * Validation and the query both use it, so the 800-day limit holds whichever bound is missing.
 */
export function summaryWindow(q: { period: 'day' | 'week'; from?: string | undefined; to?: string | undefined }, now = new Date()): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - (q.period === 'day' ? 30 : 84) * dayMs);
  return { from, to };
}

export const SummaryQuery = z
  .strictObject({
    period: z.enum(['day', 'week']).default('day'),
    from: dateTime.optional(),
    to: dateTime.optional(),
    tz: TimeZone.default('UTC'),
  })
  .superRefine((q, ctx) => {
    const { from, to } = summaryWindow(q);
    // The bound the caller gave is the one to change: `to` when both are given, else `from`.
    const path = [q.to ? 'to' : 'from'];
    const toIs = q.to ? 'to' : 'to (now, as to is not given)';
    if (from >= to) {
      ctx.addIssue({ code: 'custom', path, message: q.to ? 'must be after from' : `must be before ${toIs}` });
    } else if (to.getTime() - from.getTime() > maxSummaryDays * dayMs) {
      ctx.addIssue({ code: 'custom', path, message: q.to ? `must be at most ${maxSummaryDays} days after from` : `must be at most ${maxSummaryDays} days before ${toIs}` });
    }
  });
export type SummaryQuery = z.infer<typeof SummaryQuery>;

export const Summary = z.object({
  period: z.enum(['day', 'week']),
  timezone: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  periods: z.array(z.object({ start: z.iso.date(), created: z.number().int(), completed: z.number().int() })),
  streak_days: z.number().int(),
  completed_with_due: z.number().int(),
  on_time_share: z.number().nullable(),
});
export type Summary = z.infer<typeof Summary>;
