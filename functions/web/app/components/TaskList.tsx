import type { Clock } from '../format.ts';
import { formatDue } from '../format.ts';
import type { Task, TaskStore } from '../tasks-store.ts';
import type { Toasts } from '../toasts.ts';

export interface ListActions {
  complete: (task: Task) => void;
  remove: (task: Task) => void;
  edit: (task: Task) => void;
}

function TaskItem({ task, index, selected, clock, actions }: { task: Task; index: number; selected: boolean; clock: Clock; actions: ListActions }) {
  return (
    <li class={`task${selected ? ' selected' : ''}${task.completed ? ' done' : ''}`} data-index={index}>
      <input type="checkbox" checked={task.completed} aria-label={`Complete “${task.title}”`} onChange={() => actions.complete(task)} />
      <div class="task-main">
        <button type="button" class="task-title" id={`task-${task.id}`} onClick={() => actions.edit(task)}>
          {task.title}
        </button>
        <div class="task-meta">
          {task.overdue && (
            <span class="overdue">
              <span aria-hidden="true">⚠</span> Overdue
            </span>
          )}
          {task.due_at && <span class="due">Due {formatDue(task.due_at, clock)}</span>}
          {task.priority !== 'medium' && <span class={`priority ${task.priority}`}>{task.priority} priority</span>}
          {task.recurring_task_id && <span class="repeats">repeats</span>}
          {task.tags.map((t) => (
            <span key={t} class="tag">
              #{t}
            </span>
          ))}
        </div>
      </div>
      <button type="button" class="delete" aria-label={`Delete “${task.title}”`} onClick={() => actions.remove(task)}>
        Delete
      </button>
    </li>
  );
}

export function TaskList({ store, clock, actions }: { store: TaskStore; clock: () => Clock; actions: ListActions }) {
  const tasks = store.tasks.value;
  const now = clock();
  return (
    <section class="list" aria-label="Tasks">
      {store.error.value && (
        <p role="alert" class="error">
          {store.error.value}
        </p>
      )}
      {tasks.length === 0 && !store.loading.value && <p class="empty">No tasks here.</p>}
      <ul class="tasks">
        {tasks.map((task, i) => (
          <TaskItem key={task.id} task={task} index={i} selected={i === store.selected.value} clock={now} actions={actions} />
        ))}
      </ul>
      {store.nextCursor.value && (
        <button type="button" class="more" onClick={() => void store.loadMore()}>
          Load more tasks
        </button>
      )}
    </section>
  );
}

/** The list's writes as the user makes them: toasts for what happened, "Undo" for a delete. */
export function listActions(store: TaskStore, toasts: Toasts, edit: (task: Task) => void): ListActions {
  const report = (err: unknown) => toasts.show(err instanceof Error ? err.message : String(err));
  return {
    complete: (task) =>
      void store.setCompleted(task, !task.completed).then((t) => toasts.show(t.completed ? `Completed “${t.title}”` : `Reopened “${t.title}”`), report),
    remove: (task) =>
      void store.remove(task).then(
        (undo) => toasts.show(`Deleted “${task.title}”`, { label: 'Undo', run: () => undo().catch(report) }),
        report,
      ),
    edit,
  };
}
