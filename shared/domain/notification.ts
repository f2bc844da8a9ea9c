import { z } from 'zod';
import { Channel } from './settings.ts';

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
});
export type Notification = z.infer<typeof Notification>;

export const NotificationQuery = z.strictObject({
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationPage = z.object({ items: z.array(Notification), next_cursor: z.string().nullable() });
export type NotificationPage = z.infer<typeof NotificationPage>;
