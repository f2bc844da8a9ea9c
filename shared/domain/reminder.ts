import { TZDate } from '@date-fns/tz';
import { sub } from 'date-fns';
import { z } from 'zod';
import { IsoDuration, parseDuration } from './duration.ts';
import { dateTime } from './fields.ts';

export const ReminderInput = z
  .strictObject({
    offset: IsoDuration.optional().describe('before the due time, like PT30M or P1D'),
    at: dateTime.optional(),
  })
  .refine((r) => (r.offset === undefined) !== (r.at === undefined), 'must give either offset or at, not both');
export type ReminderInput = z.infer<typeof ReminderInput>;

export const ReminderList = z.array(ReminderInput).max(20, 'must have at most 20 reminders');

export const ReminderStatus = z.enum(['scheduled', 'sent', 'cancelled', 'failed']);

export const Reminder = z.object({
  id: z.uuid(),
  task_id: z.uuid(),
  offset: z.string().nullable(),
  at: z.iso.datetime().nullable(),
  /** When it fires; null for an offset while the task has no due time. */
  fire_at: z.iso.datetime().nullable(),
  status: ReminderStatus,
  attempts: z.number().int(),
  sent_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
export type Reminder = z.infer<typeof Reminder>;

export const ReminderParams = z.object({ id: z.uuid('must be a UUID'), rid: z.uuid('must be a UUID') });

/**
 * When a reminder fires. Days and weeks are calendar days in the user's time zone, so "P1D" before
 * a 09:00 due time is 09:00 the day before even across a DST change; hours and smaller are exact.
 */
export function fireAt(reminder: { offset: string | null; at: Date | null }, dueAt: Date | null, timeZone: string): Date | null {
  if (reminder.at) return reminder.at;
  const d = reminder.offset === null ? null : parseDuration(reminder.offset);
  if (!d || !dueAt) return null;
  const days = sub(new TZDate(dueAt, timeZone), { weeks: d.weeks, days: d.days });
  return new Date(days.getTime() - ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000);
}
