import type { EventFunction } from '../shared/events/function.ts';
import type { TaskEventType } from '../shared/events/task-events.ts';
import type { TimeEventType } from '../shared/events/time-events.ts';
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

/** A CloudEvent type taskfn writes to its outbox. */
export type EventType = TaskEventType | TimeEventType;

// `emits` and `consumes` are what each function's README says under "Events"; both are checked
// against the code by test/catalog-events.test.ts, and the READMEs against them by
// test/catalog-readmes.test.ts. The manifests do not read them.
interface EntryBase {
  name: string;
  uses?: SidecarUse[];
  /** The event types its code writes to the outbox, directly or through the shared services it calls. */
  emits?: EventType[];
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
  /** The event types of its topic it acts on (it acknowledges the others and does nothing). */
  consumes?: EventType[];
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

interface Declared {
  uses?: SidecarUse[];
  emits?: EventType[];
}

const http = (name: string, load: () => Promise<HttpHandler>, declared: Declared = {}): HttpFunctionEntry => ({ name, trigger: 'http', scaling: 'scale-to-zero', load, ...declared });
const event = (name: string, topic: string, load: () => Promise<EventFunction>, declared: Declared & { consumes: EventType[] }): EventFunctionEntry => ({
  name,
  trigger: 'event',
  topic,
  scaling: 'warm',
  load,
  ...declared,
});

// The task event types, for the entries that emit or consume all of them.
const created = 'com.taskfn.task.created';
const updated = 'com.taskfn.task.updated';
const deleted = 'com.taskfn.task.deleted';
const completed = 'com.taskfn.task.completed';
const uncompleted = 'com.taskfn.task.uncompleted';

export const catalog: CatalogEntry[] = [
  http('create-task', async () => (await import('./create-task/index.ts')).createTask, { uses: ['publish'], emits: [created] }),
  http('get-tasks', async () => (await import('./get-tasks/index.ts')).getTasks),
  http('update-task', async () => (await import('./update-task/index.ts')).updateTask, { uses: ['publish'], emits: [updated] }),
  http('delete-task', async () => (await import('./delete-task/index.ts')).deleteTask, { uses: ['publish'], emits: [deleted] }),
  http('complete-task', async () => (await import('./complete-task/index.ts')).completeTask, { uses: ['publish'], emits: [completed, uncompleted] }),
  // Renaming or deleting a tag changes the tasks that carry it.
  http('tags', async () => (await import('./tags/index.ts')).tagsFunction, { uses: ['publish'], emits: [updated] }),
  http('activity', async () => (await import('./activity/index.ts')).activity),
  // Its tools and undo call the task services.
  http('chat-turn', async () => (await import('./chat-turn/index.ts')).chatTurn, { uses: ['publish', 'state'], emits: [created, updated, deleted, completed, uncompleted] }),
  // It publishes what the others wrote to the outbox; it writes none of its own.
  http('relay-outbox', async () => (await import('./relay-outbox/index.ts')).relayOutbox, { uses: ['publish'] }),
  // An on_completion template's first task is created at once.
  http('recurring-tasks', async () => (await import('./recurring-tasks/index.ts')).recurringTasks, { uses: ['publish'], emits: [created] }),
  http('reminders', async () => (await import('./reminders/index.ts')).reminders),
  http('settings', async () => (await import('./settings/index.ts')).settings),
  http('notifications', async () => (await import('./notifications/index.ts')).notifications),
  event('log-activity', topics.taskEvents.name, async () => (await import('./log-activity/index.ts')).logActivity, {
    consumes: [created, updated, deleted, completed, uncompleted],
  }),
  event('recur-on-complete', topics.taskEvents.name, async () => (await import('./recur-on-complete/index.ts')).recurOnComplete, {
    uses: ['publish'],
    consumes: [completed],
    emits: [created],
  }),
  event('reminder-fire', topics.reminderEvents.name, async () => (await import('./reminder-fire/index.ts')).reminderFire, {
    uses: ['publish'],
    consumes: ['com.taskfn.reminder.due'],
    emits: ['com.taskfn.notification.requested'],
  }),
  event('notify', topics.notificationEvents.name, async () => (await import('./notify/index.ts')).notify, { uses: ['email'], consumes: ['com.taskfn.notification.requested'] }),
  {
    name: 'cron-tick',
    trigger: 'cron',
    binding: 'cron-tick',
    scaling: 'warm',
    // email: the tick retries failed notifications, email ones through the sidecar's binding.
    uses: ['publish', 'email'],
    // Due reminders, and the tasks of schedule templates.
    emits: ['com.taskfn.reminder.due', created],
    load: async () => (await import('./cron-tick/index.ts')).cronTick,
  },
  // Held polls: many requests in flight per instance, each answering within its wait.
  http('sync', async () => (await import('./sync/index.ts')).sync),
  // The web app's page and files, same origin as /api.
  http('web', async () => (await import('./web/index.ts')).web),
];
