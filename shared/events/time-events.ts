import * as z from 'zod';
import { Channel } from '../domain/settings.ts';
import { CloudEvent, type CloudEventAttributes, cloudEvent } from './cloudevent.ts';
import type { Outgoing } from './outbox.ts';
import { topics } from './topics.ts';

// Reminder and notification events: one schema per type, used by the producer and the consumer.

export const ReminderDue = z.strictObject({
  user_id: z.string().min(1),
  reminder_id: z.uuid(),
  task_id: z.uuid(),
  title: z.string(),
  due_at: z.iso.datetime().nullable(),
  fire_at: z.iso.datetime(),
});
export type ReminderDue = z.infer<typeof ReminderDue>;

export const NotificationRequested = z.strictObject({
  user_id: z.string().min(1),
  notification_id: z.uuid(),
  channel: Channel,
  reminder_id: z.uuid().nullable(),
  task_id: z.uuid().nullable(),
  title: z.string(),
  body: z.string(),
  /** When the user should have heard: lateness is measured from here. */
  fire_at: z.iso.datetime().nullable(),
});
export type NotificationRequested = z.infer<typeof NotificationRequested>;

const schemas = {
  'com.taskfn.reminder.due': { schema: ReminderDue, topic: topics.reminderEvents.name, subject: (d: ReminderDue) => d.reminder_id },
  'com.taskfn.notification.requested': {
    schema: NotificationRequested,
    topic: topics.notificationEvents.name,
    subject: (d: NotificationRequested) => d.notification_id,
  },
} as const;

type Types = typeof schemas;
export type TimeEventType = keyof Types;
type Data<T extends TimeEventType> = z.infer<Types[T]['schema']>;

export function timeEvent<T extends TimeEventType>(type: T, source: string, data: Data<T>): Outgoing {
  const { schema, topic, subject } = schemas[type];
  const parsed = schema.parse(data) as Data<T>;
  return { topic, event: cloudEvent({ type, source, subject: (subject as (d: Data<T>) => string)(parsed), partitionkey: parsed.user_id, data: parsed }) };
}

export type TimeEvent<T extends TimeEventType> = Omit<CloudEventAttributes, 'data'> & { type: T; data: Data<T> };

/** The event if it is a valid `type` event, or why not (a poison event, for the dead-letter store). */
export function parseTimeEvent<T extends TimeEventType>(type: T, value: unknown): { ok: true; event: TimeEvent<T> } | { ok: false; reason: string } {
  const envelope = CloudEvent.safeParse(value);
  if (!envelope.success) return { ok: false, reason: `not a CloudEvent: ${z.prettifyError(envelope.error)}` };
  if (envelope.data.type !== type) return { ok: false, reason: `expected ${type}, got ${envelope.data.type}` };
  const data = schemas[type].schema.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, reason: `data does not match ${type}: ${z.prettifyError(data.error)}` };
  return { ok: true, event: { ...envelope.data, type, data: data.data as Data<T> } };
}
