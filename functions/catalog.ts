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
  load: () => Promise<HttpHandler>;
}

export type CatalogEntry = HttpFunctionEntry | EventFunctionEntry | CronFunctionEntry;

const http = (name: string, load: () => Promise<HttpHandler>): HttpFunctionEntry => ({ name, trigger: 'http', scaling: 'scale-to-zero', load });

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
  {
    name: 'log-activity',
    trigger: 'event',
    topic: topics.taskEvents.name,
    scaling: 'warm',
    load: async () => (await import('./log-activity/index.ts')).logActivity,
  },
];
