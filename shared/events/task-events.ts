import * as z from 'zod';
import { Task } from '../domain/task.ts';
import { CloudEvent, type CloudEventAttributes, cloudEvent } from './cloudevent.ts';
import { topics } from './topics.ts';

// The data of each task event type: one schema, used by the producer (before the event is written
// to the outbox) and by every consumer (before it does anything).

export const TaskField = z.enum(['title', 'description', 'priority', 'due_at', 'tags', 'recurrence']);
export type TaskField = z.infer<typeof TaskField>;

const Snapshot = z.strictObject({ user_id: z.string().min(1), task: Task });

export const taskEventData = {
  'com.taskfn.task.created': Snapshot,
  'com.taskfn.task.updated': Snapshot.extend({ changed: z.array(TaskField).min(1) }),
  'com.taskfn.task.deleted': Snapshot,
  // What recur-on-complete needs for the next task of a series rides along, so it never reads the
  // task row, which may be deleted by then: the offsets of its offset reminders.
  'com.taskfn.task.completed': Snapshot.extend({ reminder_offsets: z.array(z.string()).max(100).default([]) }),
  'com.taskfn.task.uncompleted': Snapshot,
} as const;

export type TaskEventType = keyof typeof taskEventData;
export const taskEventTypes = Object.keys(taskEventData) as TaskEventType[];

export type TaskEvent = {
  [T in TaskEventType]: Omit<CloudEventAttributes, 'type' | 'data'> & { type: T; data: z.infer<(typeof taskEventData)[T]> };
}[TaskEventType];

export function taskEvent<T extends TaskEventType>(type: T, source: string, data: z.infer<(typeof taskEventData)[T]>) {
  return {
    topic: topics.taskEvents.name,
    event: cloudEvent({ type, source, subject: data.task.id, partitionkey: data.user_id, data: taskEventData[type].parse(data) }),
  };
}

/** A task event checked against the envelope and its type's schema, or the reason it is not one. */
export function parseTaskEvent(value: unknown): { ok: true; event: TaskEvent } | { ok: false; reason: string } {
  const envelope = CloudEvent.safeParse(value);
  if (!envelope.success) return { ok: false, reason: `not a CloudEvent: ${z.prettifyError(envelope.error)}` };
  const schema = taskEventData[envelope.data.type as TaskEventType];
  if (!schema) return { ok: false, reason: `unknown event type ${envelope.data.type}` };
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, reason: `data does not match ${envelope.data.type}: ${z.prettifyError(data.error)}` };
  return { ok: true, event: { ...envelope.data, data: data.data } as TaskEvent };
}
