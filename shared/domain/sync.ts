import * as z from 'zod';
import { Notification } from './notification.ts';
import { Reminder } from './reminder.ts';
import { Settings } from './settings.ts';
import { Tag } from './tag.ts';
import { Task } from './task.ts';

export const SyncEntity = z.enum(['settings', 'tag', 'task', 'reminder', 'notification']);
export type SyncEntity = z.infer<typeof SyncEntity>;

/** The longest a poll may be held, in seconds: under the function's and the gateway's timeouts (the chart checks it). */
export const maxWaitSeconds = 25;

export const SyncQuery = z.strictObject({
  /** Absent: a snapshot of everything, from the start. */
  cursor: z.string().max(1000).optional(),
  /** Seconds to hold the request when nothing is newer than the cursor. */
  wait: z.coerce.number().min(0).max(maxWaitSeconds).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type SyncQuery = z.infer<typeof SyncQuery>;

export const SyncChange = z.object({
  /** Where this change stands in the user's history: a client keeps an entity's state only if this is newer. */
  seq: z.number().int(),
  entity: SyncEntity,
  /** The entity's id; `me` for settings. */
  id: z.string(),
  op: z.enum(['upsert', 'delete']),
  /** The entity as its own GET answers it (its latest state), or null when deleted. */
  data: z.union([Task, Tag, Reminder, Notification, Settings]).nullable(),
});
export type SyncChange = z.infer<typeof SyncChange>;

export const SyncPage = z.object({
  changes: z.array(SyncChange),
  /** Opaque; pass it back to get what comes after. */
  cursor: z.string(),
  /** More is ready now: ask again at once, without waiting. */
  more: z.boolean(),
});
export type SyncPage = z.infer<typeof SyncPage>;
