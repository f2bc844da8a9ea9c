import type { Clock } from './format.ts';

// The list's filters as the user sets them, and the GET /api/tasks query they become. Views are
// named filters over the same endpoint: Today (due today in the user's zone), Upcoming (due after
// today), Overdue.

export type View = 'all' | 'today' | 'upcoming' | 'overdue';
export type Status = 'open' | 'completed' | 'all';
export type Sort = 'due_at' | 'priority' | 'created_at' | 'updated_at' | 'title';

export interface Filters {
  view: View;
  status: Status;
  q: string;
  priority: string[];
  tag: string;
  sort: Sort;
  dueAfter: string;
  dueBefore: string;
}

export const defaultFilters: Filters = { view: 'all', status: 'open', q: '', priority: [], tag: '', sort: 'created_at', dueAfter: '', dueBefore: '' };

/** The wall clock in the zone at an instant, read as if it were UTC (milliseconds). */
function wallClock(instant: number, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' })
      .formatToParts(new Date(instant))
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>;
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
}

/** Midnight at the start of the day `days` from today, in the zone, as an instant. */
export function startOfDay({ now, timeZone }: Clock, days = 0): Date {
  const today = new Date(wallClock(now.getTime(), timeZone));
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days);
  // The offset at a first guess, then at the instant it gives (a DST change may fall between).
  const offsetAt = (instant: number) => wallClock(instant, timeZone) - instant;
  return new Date(midnight - offsetAt(midnight - offsetAt(midnight)));
}

export function taskQuery(filters: Filters, clock: Clock, { limit = 50, cursor }: { limit?: number; cursor?: string | null } = {}): URLSearchParams {
  const q = new URLSearchParams();
  const set = (k: string, v: string | undefined) => v && q.set(k, v);
  set('status', filters.view === 'all' ? filters.status : 'open');
  set('q', filters.q.trim());
  set('priority', filters.priority.join(','));
  set('tag', filters.tag.trim());
  switch (filters.view) {
    case 'today':
      set('due_after', startOfDay(clock).toISOString());
      set('due_before', startOfDay(clock, 1).toISOString());
      break;
    case 'upcoming':
      set('due_after', startOfDay(clock, 1).toISOString());
      break;
    case 'overdue':
      set('overdue', 'true');
      break;
    case 'all':
      set('due_after', filters.dueAfter ? new Date(filters.dueAfter).toISOString() : undefined);
      set('due_before', filters.dueBefore ? new Date(filters.dueBefore).toISOString() : undefined);
      break;
  }
  // A view of dated tasks reads best soonest first.
  set('sort', filters.view === 'all' ? filters.sort : 'due_at');
  q.set('limit', String(limit));
  set('cursor', cursor ?? undefined);
  return q;
}
