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

export type CatalogEntry = HttpFunctionEntry;

export const catalog: CatalogEntry[] = [
  { name: 'create-task', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./create-task/index.ts')).createTask },
  { name: 'get-tasks', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./get-tasks/index.ts')).getTasks },
  { name: 'update-task', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./update-task/index.ts')).updateTask },
  { name: 'delete-task', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./delete-task/index.ts')).deleteTask },
  { name: 'complete-task', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./complete-task/index.ts')).completeTask },
  { name: 'tags', trigger: 'http', scaling: 'scale-to-zero', load: async () => (await import('./tags/index.ts')).tagsFunction },
];
