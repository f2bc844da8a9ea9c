import type { TaskStore } from '../tasks-store.ts';
import type { Sort, Status, View } from '../task-query.ts';

const views: [View, string][] = [
  ['all', 'All'],
  ['today', 'Today'],
  ['upcoming', 'Upcoming'],
  ['overdue', 'Overdue'],
];
const priorities = ['low', 'medium', 'high', 'critical'];

export function Filters({ store }: { store: TaskStore }) {
  const f = store.filters.value;
  const set = (change: Parameters<TaskStore['setFilters']>[0]) => void store.setFilters(change);
  return (
    <section class="filters" aria-label="Filters">
      <div class="views" role="group" aria-label="Views">
        {views.map(([view, label]) => (
          <button key={view} type="button" aria-pressed={f.view === view} onClick={() => set({ view })}>
            {label}
          </button>
        ))}
      </div>
      <div class="filter-fields">
        <label>
          Search tasks
          <input id="search" type="search" value={f.q} onInput={(e) => set({ q: e.currentTarget.value })} />
        </label>
        <label>
          Show
          <select value={f.status} disabled={f.view !== 'all'} onChange={(e) => set({ status: e.currentTarget.value as Status })}>
            <option value="open">Open</option>
            <option value="completed">Completed</option>
            <option value="all">All</option>
          </select>
        </label>
        <label>
          Priority
          <select value={f.priority[0] ?? ''} onChange={(e) => set({ priority: e.currentTarget.value ? [e.currentTarget.value] : [] })}>
            <option value="">Any</option>
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input type="text" list="known-tags" value={f.tag} onChange={(e) => set({ tag: e.currentTarget.value })} />
        </label>
        <label>
          Sort by
          <select value={f.sort} disabled={f.view !== 'all'} onChange={(e) => set({ sort: e.currentTarget.value as Sort })}>
            <option value="created_at">Newest</option>
            <option value="due_at">Due date</option>
            <option value="priority">Priority</option>
            <option value="updated_at">Recently changed</option>
            <option value="title">Title</option>
          </select>
        </label>
        {f.view === 'all' && (
          <>
            <label>
              Due after
              <input type="datetime-local" value={f.dueAfter} onChange={(e) => set({ dueAfter: e.currentTarget.value })} />
            </label>
            <label>
              Due before
              <input type="datetime-local" value={f.dueBefore} onChange={(e) => set({ dueBefore: e.currentTarget.value })} />
            </label>
          </>
        )}
      </div>
    </section>
  );
}
