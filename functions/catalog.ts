import type { EventFunction } from '../shared/events/function.ts';
import { topics } from '../shared/events/topics.ts';
import type { HttpHandler } from '../shared/http/index.ts';

// The function set, one entry per function. The local host mounts what is listed here, and the
// deployment manifests are generated from it: adding a function means adding it here.

export interface HttpFunctionEntry {
  name: string;
  trigger: 'http';
  /** HTTP functions scale to zero between requests. */
  scaling: 'scale-to-zero';
  load: () => Promise<HttpHandler>;
}

export interface EventFunctionEntry {
  name: string;
  trigger: 'event';
  topic: string;
  /** Dapr subscriptions are pulled by the sidecar, so under Dapr an event function keeps one instance. */
  scaling: 'warm';
  load: () => Promise<EventFunction>;
}

export interface CronFunctionEntry {
  name: string;
  trigger: 'cron';
  /** The Dapr cron input binding, dapr/components/<binding>.yaml: the sidecar POSTs /<binding> at each tick. */
  binding: string;
  /** Bindings are pulled by the sidecar too. */
  scaling: 'warm';
  load: () => Promise<CronFunction>;
}

/** A cron function also exposes its job, which the local host runs on the binding's schedule. */
export type CronFunction = HttpHandler & { run: () => Promise<unknown> };

export type CatalogEntry = HttpFunctionEntry | EventFunctionEntry | CronFunctionEntry;

const http = (name: string, load: () => Promise<HttpHandler>): HttpFunctionEntry => ({ name, trigger: 'http', scaling: 'scale-to-zero', load });
const event = (name: string, topic: string, load: () => Promise<EventFunction>): EventFunctionEntry => ({ name, trigger: 'event', topic, scaling: 'warm', load });

export const catalog: CatalogEntry[] = [
  http('create-task', async () => (await import('./create-task/index.ts')).createTask),
  http('get-tasks', async () => (await import('./get-tasks/index.ts')).getTasks),
  http('update-task', async () => (await import('./update-task/index.ts')).updateTask),
  http('delete-task', async () => (await import('./delete-task/index.ts')).deleteTask),
  http('complete-task', async () => (await import('./complete-task/index.ts')).completeTask),
  http('tags', async () => (await import('./tags/index.ts')).tagsFunction),
  http('activity', async () => (await import('./activity/index.ts')).activity),
  http('chat-turn', async () => (await import('./chat-turn/index.ts')).chatTurn),
  http('relay-outbox', async () => (await import('./relay-outbox/index.ts')).relayOutbox),
  http('recurring-tasks', async () => (await import('./recurring-tasks/index.ts')).recurringTasks),
  http('reminders', async () => (await import('./reminders/index.ts')).reminders),
  http('settings', async () => (await import('./settings/index.ts')).settings),
  http('notifications', async () => (await import('./notifications/index.ts')).notifications),
  event('log-activity', topics.taskEvents.name, async () => (await import('./log-activity/index.ts')).logActivity),
  event('recur-on-complete', topics.taskEvents.name, async () => (await import('./recur-on-complete/index.ts')).recurOnComplete),
  event('reminder-fire', topics.reminderEvents.name, async () => (await import('./reminder-fire/index.ts')).reminderFire),
  event('notify', topics.notificationEvents.name, async () => (await import('./notify/index.ts')).notify),
  { name: 'cron-tick', trigger: 'cron', binding: 'cron-tick', scaling: 'warm', load: async () => (await import('./cron-tick/index.ts')).cronTick },
];
