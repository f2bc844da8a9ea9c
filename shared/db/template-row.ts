import { type Rule, formatInZone } from '../domain/recurrence/index.ts';
import type { RecurringTask } from '../domain/recurring-task.ts';
import { db } from './client.ts';

/** A recurring_tasks row: a template, which generates a series of tasks. */
export interface TemplateRow {
  id: string;
  user_id: string;
  title: string;
  description: string;
  priority: RecurringTask['priority'];
  tags: string[];
  recurrence: Rule;
  mode: Rule['mode'];
  starts_at: Date;
  catch_up: RecurringTask['catch_up'];
  next_at: Date | null;
  generated: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** The select list every template read uses, over `recurring_tasks`. */
export const templateColumns = () => db()`id, user_id, title, description, priority, tags, recurrence, mode, starts_at, catch_up, next_at, generated, active, created_at, updated_at, version`;

export function toRecurringTask(r: TemplateRow): RecurringTask {
  const zone = r.recurrence.timezone;
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    priority: r.priority,
    tags: r.tags,
    recurrence: r.recurrence,
    starts_at: formatInZone(r.starts_at, zone),
    catch_up: r.catch_up,
    next_at: r.next_at ? formatInZone(r.next_at, zone) : null,
    generated: r.generated,
    active: r.active,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    version: r.version,
  };
}
