import { batch, signal } from '@preact/signals';
import type { Task } from '../../../shared/domain/task.ts';
import type { Api } from './api.ts';
import type { Clock } from './format.ts';
import type { TaskInput } from './quick-add.ts';
import type { Rule } from './recurrence-form.ts';
import { type Filters, defaultFilters, taskQuery } from './task-query.ts';

export type { Task };

/** What a save may change: the fields, and `recurrence` (a rule starts or changes the series, null stops it). */
export type TaskPatch = Partial<Pick<Task, 'title' | 'description' | 'priority' | 'due_at' | 'tags'>> & { recurrence?: Rule | null };

// The list the user sees: its filters, the loaded pages and the cursor of the next, and the
// writes made from it. Signals outside any component, so the list, the editor and the keyboard
// shortcuts share one state.

interface Page {
  items: Task[];
  next_cursor: string | null;
}

export function createTaskStore({ api, clock }: { api: Api; clock: () => Clock }) {
  const filters = signal<Filters>(defaultFilters);
  const tasks = signal<Task[]>([]);
  const nextCursor = signal<string | null>(null);
  const loading = signal(false);
  const error = signal('');
  /** The row j/k moved to, by index in `tasks`. */
  const selected = signal(0);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    try {
      const { body } = await api.get<Page>(`/api/tasks?${taskQuery(filters.value, clock()).toString()}`);
      // A slower answer to an older filter must not overwrite a newer one.
      if (mine !== generation) return;
      batch(() => {
        tasks.value = body.items;
        nextCursor.value = body.next_cursor;
        error.value = '';
        selected.value = Math.min(selected.value, Math.max(0, body.items.length - 1));
      });
    } catch (err) {
      if (mine === generation) error.value = err instanceof Error ? err.message : String(err);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor) return;
    const mine = generation;
    const { body } = await api.get<Page>(`/api/tasks?${taskQuery(filters.value, clock(), { cursor }).toString()}`);
    if (mine !== generation) return;
    const seen = new Set(tasks.value.map((t) => t.id));
    batch(() => {
      tasks.value = [...tasks.value, ...body.items.filter((t) => !seen.has(t.id))];
      nextCursor.value = body.next_cursor;
    });
  }

  /** Puts a task's new state in the list, or takes it out when the status filter no longer shows it. */
  function replace(task: Task): void {
    const status = filters.value.view === 'all' ? filters.value.status : 'open';
    const shown = status === 'all' || (status === 'open') === !task.completed;
    tasks.value = shown ? tasks.value.map((t) => (t.id === task.id ? task : t)) : tasks.value.filter((t) => t.id !== task.id);
  }

  /**
   * Live changes from the sync client: a task the list shows is replaced in place (or taken out
   * when deleted or no longer shown); a task it does not show yet may belong in it, so the first
   * page is read again, once for the whole batch.
   */
  function applyChanges(changes: { entity: string; id: string; op: 'upsert' | 'delete'; data: unknown }[]): Promise<void> | undefined {
    let unseen = false;
    for (const c of changes) {
      if (c.entity !== 'task') continue;
      const shown = tasks.value.some((t) => t.id === c.id);
      if (c.op === 'delete') tasks.value = tasks.value.filter((t) => t.id !== c.id);
      else if (shown) replace(c.data as Task);
      else unseen = true;
    }
    return unseen ? load() : undefined;
  }

  return {
    filters,
    tasks,
    applyChanges,
    nextCursor,
    loading,
    error,
    selected,
    load,
    loadMore,
    replace,
    setFilters(change: Partial<Filters>): Promise<void> {
      filters.value = { ...filters.value, ...change };
      selected.value = 0;
      return load();
    },
    async create(input: TaskInput): Promise<Task> {
      const { body } = await api.post<Task>('/api/tasks', input);
      await load();
      return body;
    },
    async setCompleted(task: Task, completed: boolean): Promise<Task> {
      const { body } = await api.post<Task>(`/api/tasks/${task.id}/${completed ? 'complete' : 'uncomplete'}`);
      replace(body);
      return body;
    },
    /** Deletes the task; the answer puts it back as a new task with the same fields. */
    async remove(task: Task): Promise<() => Promise<void>> {
      await api.delete(`/api/tasks/${task.id}`);
      tasks.value = tasks.value.filter((t) => t.id !== task.id);
      return async () => {
        await api.post<Task>('/api/tasks', { title: task.title, description: task.description, priority: task.priority, due_at: task.due_at, tags: task.tags });
        await load();
      };
    },
    /** A PATCH guarded by the version the user saw: a 409 (an ApiError) carries the current task. */
    async update(task: Task, patch: TaskPatch): Promise<Task> {
      const { body } = await api.patch<Task>(`/api/tasks/${task.id}`, patch, { 'if-match': `"${task.version}"` });
      replace(body);
      return body;
    },
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
