import { randomUUID } from 'node:crypto';
import { timeEvent } from '../shared/events/time-events.ts';
import { request } from './helpers.ts';

/** A notification.requested event as reminder-fire writes it. */
export function requested(user: string, channel: 'in_app' | 'webhook' | 'email', extra: { reminder_id?: string | null } = {}) {
  return timeEvent('com.taskfn.notification.requested', 'test', {
    user_id: user, notification_id: randomUUID(), channel, reminder_id: extra.reminder_id ?? null, task_id: null,
    title: 'Reminder: water the plants', body: '"water the plants" is due now.', fire_at: new Date().toISOString(),
  }).event;
}

/** Delivers an event to notify as a Dapr sidecar would (structured CloudEvent). */
export const deliver = (base: string, event: unknown, headers: Record<string, string> = {}) =>
  request(base, 'POST', '/events/notify', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
