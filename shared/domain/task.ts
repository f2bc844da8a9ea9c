import * as z from 'zod';
import { Version, commaList, dateTime, text } from './fields.ts';
import { Recurrence } from './recurrence/index.ts';
import { ReminderList } from './reminder.ts';
import { TagName } from './tag.ts';

export const Priority = z.enum(['low', 'medium', 'high', 'critical']);
export type Priority = z.infer<typeof Priority>;

const Title = text(500, { trim: true }).min(1, 'must not be empty');
const Description = text(10_000);
const DueAt = dateTime.nullable();
const Tags = z.array(TagName).max(20, 'must have at most 20 tags');

export const TaskCreate = z.strictObject({
  title: Title,
  description: Description.default(''),
  priority: Priority.default('medium'),
  due_at: DueAt.default(null),
  tags: Tags.default([]),
  /** Makes the task the first of a series (it needs a due time: the series starts there). */
  recurrence: Recurrence.optional(),
  /** Left out, a task with a due time gets the user's default reminder offset, if any. */
  reminders: ReminderList.optional(),
});
export type TaskCreate = z.infer<typeof TaskCreate>;

const patchFields = {
  title: Title.optional(),
  description: Description.optional(),
  priority: Priority.optional(),
  due_at: DueAt.optional(),
  tags: Tags.optional(),
  version: Version.optional(),
};
const changesSomething = (p: object) => Object.keys(p).some((k) => k !== 'version');

export const TaskPatch = z
  .strictObject({
    ...patchFields,
    /** Starts a series at the due time, changes its rule, or (null) stops it: the task becomes a one-off. */
    recurrence: Recurrence.nullable().optional(),
  })
  .refine(changesSomething, 'must change at least one field');
export type TaskPatch = z.infer<typeof TaskPatch>;

/**
 * The chat's update_task: the fields without `recurrence`. The chat changes a series with
 * set_recurrence, whose undo brings the old series back; an update's undo only restores fields.
 */
export const TaskFieldsPatch = z.strictObject(patchFields).refine(changesSomething, 'must change at least one field');

/** Optional body of complete / uncomplete / delete: the version the client last saw. */
export const VersionCheck = z.strictObject({ version: Version.optional() });

export const Task = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  priority: Priority,
  due_at: z.iso.datetime().nullable(),
  tags: z.array(z.string()),
  completed: z.boolean(),
  completed_at: z.iso.datetime().nullable(),
  overdue: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version: z.number().int(),
  /** The recurring template that generated this task, if one did (absent in events written before it existed). */
  recurring_task_id: z.uuid().nullable().default(null),
});
export type Task = z.infer<typeof Task>;

export const TaskSort = z.enum(['due_at', 'priority', 'created_at', 'updated_at', 'title']);
export type TaskSort = z.infer<typeof TaskSort>;

export const TaskQuery = z.strictObject({
  q: text(200)
    .refine((s) => /[\p{L}\p{N}]/u.test(s), 'must contain a letter or a digit')
    .optional(),
  status: z.enum(['open', 'completed', 'all']).default('open'),
  priority: commaList(Priority).optional(),
  tag: commaList(TagName).optional(),
  due_before: dateTime.optional(),
  due_after: dateTime.optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  completed_after: dateTime.optional(),
  sort: TaskSort.default('created_at'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type TaskQuery = z.infer<typeof TaskQuery>;

export const TaskPage = z.object({ items: z.array(Task), next_cursor: z.string().nullable() });
export type TaskPage = z.infer<typeof TaskPage>;

/** Newest first for timestamps and most urgent first for priority; alphabetical and soonest first otherwise. */
export const defaultOrder = (sort: TaskSort): 'asc' | 'desc' =>
  sort === 'due_at' || sort === 'title' ? 'asc' : 'desc';
