import * as z from 'zod';
import { Version, dateTime, text } from './fields.ts';
import { Recurrence } from './recurrence/index.ts';
import { TagName } from './tag.ts';
import { Priority } from './task.ts';

const Title = text(500, { trim: true }).min(1, 'must not be empty');
const Tags = z.array(TagName).max(20, 'must have at most 20 tags');

/** After downtime: generate every missed occurrence (up to CATCH_UP_MAX), only the latest, or none. */
export const CatchUp = z.enum(['all', 'latest', 'skip']);

export const RecurringTaskCreate = z.strictObject({
  title: Title,
  description: text(10_000).default(''),
  priority: Priority.default('medium'),
  tags: Tags.default([]),
  recurrence: Recurrence,
  /** RFC 5545 DTSTART: the series starts here and takes its time of day from it; now by default. */
  starts_at: dateTime.optional(),
  catch_up: CatchUp.default('all'),
});
export type RecurringTaskCreate = z.infer<typeof RecurringTaskCreate>;

export const RecurringTaskPatch = z
  .strictObject({
    title: Title.optional(),
    description: text(10_000).optional(),
    priority: Priority.optional(),
    tags: Tags.optional(),
    recurrence: Recurrence.optional(),
    starts_at: dateTime.optional(),
    catch_up: CatchUp.optional(),
    /** true brings a deactivated template back, from now on (no catch-up of the time it was off). */
    active: z.literal(true).optional(),
    version: Version.optional(),
  })
  .refine((p) => Object.keys(p).some((k) => k !== 'version'), 'must change at least one field');
export type RecurringTaskPatch = z.infer<typeof RecurringTaskPatch>;

export const RecurringTask = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  priority: Priority,
  tags: z.array(z.string()),
  /** The rule as stored: defaults filled in, the time zone resolved. */
  recurrence: z.record(z.string(), z.unknown()),
  starts_at: z.string(),
  catch_up: CatchUp,
  /** schedule mode: the next occurrence to be generated (null once the series ended or while inactive). */
  next_at: z.string().nullable(),
  generated: z.number().int(),
  active: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version: z.number().int(),
});
export type RecurringTask = z.infer<typeof RecurringTask>;

export const RecurringTaskQuery = z.strictObject({
  status: z.enum(['active', 'inactive', 'all']).default('active'),
});

export const PreviewRequest = z.strictObject({
  recurrence: Recurrence,
  start: dateTime,
  count: z.int().min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(10),
});

export const PreviewAnswer = z.object({ occurrences: z.array(z.string()) });
