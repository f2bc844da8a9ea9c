import { TZDate } from '@date-fns/tz';
import { sub } from 'date-fns';
import * as z from 'zod';
import { IsoDuration, parseDuration } from './duration.ts';
import { dateTime } from './fields.ts';

export const ReminderInput = z
  .strictObject({
    offset: IsoDuration.optional().describe('before the due time, like PT30M or P1D'),
    // One in the past would fire at the next tick, as if it had been due all along.
    at: dateTime.refine((at) => Date.parse(at) > Date.now(), 'must be in the future').optional(),
  })
  .refine((r) => (r.offset === undefined) !== (r.at === undefined), 'must give either offset or at, not both');
export type ReminderInput = z.infer<typeof ReminderInput>;

export const ReminderList = z.array(ReminderInput).max(20, 'must have at most 20 reminders');

export const ReminderStatus = z.enum(['scheduled', 'sent', 'cancelled', 'failed']);
export type ReminderStatus = z.infer<typeof ReminderStatus>;

export const Reminder = z.object({
  id: z.uuid(),
  task_id: z.uuid(),
  offset: z.string().nullable(),
  at: z.iso.datetime().nullable(),
  /** When it fires; null for an offset while the task has no due time. */
  fire_at: z.iso.datetime().nullable(),
  status: ReminderStatus,
  /** True while it is scheduled at a known time (a late tick still fires it). */
  will_fire: z.boolean(),
  /** Why a reminder of an open task will not fire, when that is not plain from its status. */
  note: z.string().nullable(),
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

/**
 * A reminder's status once its time is (re)computed: set, moved with its task's due time, or its
 * task completed. It fires only if that time is still ahead: one already behind would fire at
 * once, late, so it is cancelled instead, and armed again if a later move puts it ahead. A completed
 * task's reminders wait, cancelled, for it to be reopened; a failed delivery stays on record.
 */
export function statusAt(current: ReminderStatus, fire: Date | null, now: Date, completed: boolean): ReminderStatus {
  if (current === 'failed') return 'failed';
  const ahead = fire !== null && fire.getTime() > now.getTime();
  if (completed) return current === 'sent' && !ahead ? 'sent' : 'cancelled';
  if (fire === null) return current === 'sent' ? 'sent' : 'scheduled';
  if (ahead) return 'scheduled';
  return current === 'scheduled' ? 'cancelled' : current;
}

/** What the answer says of a reminder's future, beside its status. */
export function outlook(status: ReminderStatus, fire: Date | null, taskCompleted: boolean): { will_fire: boolean; note: string | null } {
  if (status === 'scheduled') return { will_fire: fire !== null, note: fire === null ? 'fires once the task has a due time' : null };
  // An open task's reminder is cancelled only because its time was behind when it was computed.
  if (status === 'cancelled' && !taskCompleted) return { will_fire: false, note: "its time was already past when it was set or its task's due time moved: it will not fire" };
  return { will_fire: false, note: null };
}
