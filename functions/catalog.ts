import type { EventFunction } from '../shared/events/function.ts';
import { topics } from '../shared/events/topics.ts';
import type { HttpHandler } from '../shared/http/index.ts';

// The function set, one entry per function. The local host mounts what is listed here, and the
// deployment manifests are generated from it: adding a function means adding it here.

/**
 * What a function asks its Dapr sidecar for besides its own trigger. The chart loads each Dapr
 * component only in the functions that use it: `publish` (it writes events to the outbox, which its
 * relay publishes through the sidecar), `state` (the state store), `email` (the email binding).
 */
export type SidecarUse = 'publish' | 'state' | 'email';

interface EntryBase {
  name: string;
  uses?: SidecarUse[];
}

export interface HttpFunctionEntry extends EntryBase {
  trigger: 'http';
  /** HTTP functions scale to zero between requests. */
  scaling: 'scale-to-zero';
  load: () => Promise<HttpHandler>;
}

export interface EventFunctionEntry extends EntryBase {
  trigger: 'event';
  topic: string;
  /** Dapr subscriptions are pulled by the sidecar, so under Dapr an event function keeps one instance. */
  scaling: 'warm';
  load: () => Promise<EventFunction>;
}

export interface CronFunctionEntry extends EntryBase {
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

const http = (name: string, load: () => Promise<HttpHandler>, uses?: SidecarUse[]): HttpFunctionEntry => ({ name, trigger: 'http', scaling: 'scale-to-zero', load, ...(uses ? { uses } : {}) });
const event = (name: string, topic: string, load: () => Promise<EventFunction>, uses?: SidecarUse[]): EventFunctionEntry => ({ name, trigger: 'event', topic, scaling: 'warm', load, ...(uses ? { uses } : {}) });

export const catalog: CatalogEntry[] = [
  http('create-task', async () => (await import('./create-task/index.ts')).createTask, ['publish']),
  http('get-tasks', async () => (await import('./get-tasks/index.ts')).getTasks),
  http('update-task', async () => (await import('./update-task/index.ts')).updateTask, ['publish']),
  http('delete-task', async () => (await import('./delete-task/index.ts')).deleteTask, ['publish']),
  http('complete-task', async () => (await import('./complete-task/index.ts')).completeTask, ['publish']),
  http('tags', async () => (await import('./tags/index.ts')).tagsFunction, ['publish']),
  http('activity', async () => (await import('./activity/index.ts')).activity),
  http('chat-turn', async () => (await import('./chat-turn/index.ts')).chatTurn, ['publish', 'state']),
  http('relay-outbox', async () => (await import('./relay-outbox/index.ts')).relayOutbox, ['publish']),
  http('recurring-tasks', async () => (await import('./recurring-tasks/index.ts')).recurringTasks, ['publish']),
  http('reminders', async () => (await import('./reminders/index.ts')).reminders),
  http('settings', async () => (await import('./settings/index.ts')).settings),
  http('notifications', async () => (await import('./notifications/index.ts')).notifications),
  event('log-activity', topics.taskEvents.name, async () => (await import('./log-activity/index.ts')).logActivity),
  event('recur-on-complete', topics.taskEvents.name, async () => (await import('./recur-on-complete/index.ts')).recurOnComplete, ['publish']),
  event('reminder-fire', topics.reminderEvents.name, async () => (await import('./reminder-fire/index.ts')).reminderFire, ['publish']),
  event('notify', topics.notificationEvents.name, async () => (await import('./notify/index.ts')).notify, ['email']),
  {
    name: 'cron-tick',
    trigger: 'cron',
    binding: 'cron-tick',
    scaling: 'warm',
    // email: the tick retries failed notifications, email ones through the sidecar's binding.
    uses: ['publish', 'email'],
    load: async () => (await import('./cron-tick/index.ts')).cronTick,
  },
];
