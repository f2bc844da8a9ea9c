import * as z from 'zod';
import { TimeZone } from '../activity.ts';
import { dateTime } from '../fields.ts';
import { cronProblem } from './cron.ts';
import { WEEKDAY_PATTERN, parseWeekday } from './weekday.ts';

// A recurrence rule as clients send it, with RFC 5545's names. Every refusal names its field (the
// zod issue path), so the HTTP layer answers 400 pointing at it.

const WeekdayEntry = z.string().regex(WEEKDAY_PATTERN, 'must be a weekday like MO, or an nth weekday like 2TU or -1FR');

const monthDayMessage = 'must be 1 to 31, or -1 (the last day) to -31';
const MonthDay = z
  .int(monthDayMessage)
  .min(-31, monthDayMessage)
  .max(31, monthDayMessage)
  .refine((n) => n !== 0, monthDayMessage);

const CronExpression = z
  .string()
  .max(200)
  .superRefine((expression, ctx) => {
    const problem = cronProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const Recurrence = z
  .strictObject({
    freq: z.enum(['daily', 'weekly', 'monthly', 'yearly', 'cron']),
    interval: z.int().min(1).max(1000).default(1),
    by_weekday: z.array(WeekdayEntry).min(1).max(50).optional(),
    by_month_day: z.array(MonthDay).min(1).max(62).optional(),
    by_month: z.array(z.int().min(1).max(12)).min(1).max(12).optional(),
    cron: CronExpression.optional(),
    until: dateTime.optional(),
    count: z.int().min(1).max(1000).optional(),
    timezone: TimeZone.optional(),
    mode: z.enum(['schedule', 'on_completion']).default('on_completion'),
    from: z.enum(['due', 'completion']).default('due'),
  })
  .superRefine((rule, ctx) => {
    const refuse = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (rule.until !== undefined && rule.count !== undefined) {
      refuse(['count'], 'must not be given together with until: a series ends by date or by count');
    }
    if (rule.freq === 'cron') {
      if (rule.cron === undefined) refuse(['cron'], 'is required when freq is cron');
      if (rule.interval !== 1) refuse(['interval'], 'must be 1 when freq is cron: the expression sets the pace');
      for (const field of ['by_weekday', 'by_month_day', 'by_month'] as const) {
        if (rule[field] !== undefined) refuse([field], 'is not allowed when freq is cron: the expression says when');
      }
      return;
    }
    if (rule.cron !== undefined) refuse(['cron'], 'is only allowed when freq is cron');
    if (rule.by_month_day !== undefined && rule.freq !== 'monthly') {
      refuse(['by_month_day'], 'is only allowed when freq is monthly');
    }
    if (rule.by_month !== undefined && rule.freq !== 'yearly') refuse(['by_month'], 'is only allowed when freq is yearly');
    if (rule.by_month_day !== undefined && rule.by_weekday !== undefined) {
      refuse(['by_weekday'], 'cannot be combined with by_month_day: give one or the other');
    }
    // An ordinal counts within a month, or within the year when a yearly rule names no months.
    const most = rule.freq === 'monthly' || rule.by_month !== undefined ? 5 : 53;
    rule.by_weekday?.forEach((entry, i) => {
      if (!WEEKDAY_PATTERN.test(entry) || !/^[+-]?\d/.test(entry)) return;
      const { nth } = parseWeekday(entry);
      if (rule.freq === 'daily' || rule.freq === 'weekly') {
        refuse(['by_weekday', i], `must be a plain weekday like MO when freq is ${rule.freq}`);
      } else if (nth === 0 || Math.abs(nth) > most) {
        refuse(['by_weekday', i], `must have an ordinal from 1 to ${most} or -1 to -${most}, like 2TU or -1FR`);
      }
    });
  });

export type RecurrenceInput = z.input<typeof Recurrence>;
export type Recurrence = z.output<typeof Recurrence>;

/** A parsed rule with its time zone settled: what the engine runs. */
export type Rule = Omit<Recurrence, 'timezone'> & { timezone: string };

/** Fills in the zone the rule leaves out, normally the user's. */
export function resolveRule(input: Recurrence, defaultTimeZone: string): Rule {
  return { ...input, timezone: input.timezone ?? defaultTimeZone };
}
