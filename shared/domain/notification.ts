import * as z from 'zod';
import { Channel } from './settings.ts';

export const DeliveryAttempt = z.object({
  attempt: z.number().int(),
  at: z.iso.datetime(),
  ok: z.boolean(),
  /** The receiver's HTTP status; null when there was none (refused, timed out, unreachable). */
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const Notification = z.object({
  id: z.uuid(),
  channel: Channel,
  title: z.string(),
  body: z.string(),
  task_id: z.uuid().nullable(),
  reminder_id: z.uuid().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  read: z.boolean(),
  created_at: z.iso.datetime(),
  /** How delivery went on this notification's channel: every attempt, oldest first, and the next one while pending. */
  delivery: z.object({
    attempts: z.array(DeliveryAttempt),
    next_attempt_at: z.iso.datetime().nullable(),
    last_error: z.string().nullable(),
  }),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationQuery = z.strictObject({
  /** The in-app inbox by default; webhook and email notifications show how their delivery went. */
  channel: Channel.default('in_app'),
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationPage = z.object({ items: z.array(Notification), next_cursor: z.string().nullable() });
export type NotificationPage = z.infer<typeof NotificationPage>;
