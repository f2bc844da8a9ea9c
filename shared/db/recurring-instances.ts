import { TZDate } from '@date-fns/tz';
import { getConfig } from '../config.ts';
import { type Rule, between, nextAfter } from '../domain/recurrence/index.ts';
import type { Task } from '../domain/task.ts';
import { enqueue, writeTransaction } from '../events/outbox.ts';
import { type TaskEvent, taskEvent } from '../events/task-events.ts';
import type { Logger } from '../observability/log.ts';
import { firstDelivery } from './activity.ts';
import type { Tx } from './client.ts';
import { followTask } from './reminders.ts';
import type { TemplateRow } from './recurring-tasks.ts';
import { linkTags } from './task-tags.ts';
import { type TaskRow, taskColumns, toTask } from './task-row.ts';

const config = getConfig();

export interface Instance {
  template: Pick<TemplateRow, 'id' | 'user_id' | 'title' | 'description' | 'priority'>;
  dueAt: Date;
  /** schedule mode: the occurrence this task is (unique per template). */
  occurrenceAt: Date | null;
  /** on_completion: the completed task this one follows (unique). */
  recursFrom: string | null;
  tags: string[];
  copyRemindersFrom: string | null;
}

/**
 * Inserts tasks for a template's occurrences with their task.created events. An occurrence or a
 * successor that already exists is skipped, so racing ticks or redelivered events create each once.
 */
export async function insertInstances(tx: Tx, source: string, items: Instance[]): Promise<Task[]> {
  if (items.length === 0) return [];
  const col = <T>(f: (i: Instance) => T) => items.map(f);
  const inserted = await tx<{ id: string }[]>`
    insert into tasks (user_id, title, description, priority, due_at, recurring_task_id, occurrence_at, recurs_from)
    select user_id, title, description, priority::task_priority, due_at, recurring_task_id, occurrence_at, recurs_from
    from unnest(
      ${col((i) => i.template.user_id)}::text[], ${col((i) => i.template.title)}::text[],
      ${col((i) => i.template.description)}::text[], ${col((i) => i.template.priority)}::text[],
      ${col((i) => i.dueAt.toISOString())}::timestamptz[], ${col((i) => i.template.id)}::uuid[],
      ${col((i) => i.occurrenceAt?.toISOString() ?? null)}::timestamptz[], ${col((i) => i.recursFrom)}::uuid[]
    ) with ordinality as u(user_id, title, description, priority, due_at, recurring_task_id, occurrence_at, recurs_from, i)
    order by i
    on conflict do nothing
    returning id`;
  if (inserted.length === 0) return [];
  const ids = inserted.map((r) => r.id);
  const rows = await tx<(TaskRow & { recurring_task_id: string; occurrence_at: Date | null; recurs_from: string | null; user_id: string })[]>`
    select ${taskColumns}, t.user_id, t.occurrence_at, t.recurs_from
    from tasks t
    where t.id = any(${ids}::uuid[])`;
  const key = (template: string, occurrence: Date | null, from: string | null) => `${template}|${occurrence?.toISOString() ?? ''}|${from ?? ''}`;
  const byKey = new Map(items.map((i) => [key(i.template.id, i.occurrenceAt, i.recursFrom), i]));
  const tasks: Task[] = [];
  for (const row of rows) {
    const item = byKey.get(key(row.recurring_task_id, row.occurrence_at, row.recurs_from))!;
    if (item.tags.length > 0) row.tags = await linkTags(tx, row.user_id, row.id, item.tags);
    if (item.copyRemindersFrom) {
      await tx`
        insert into reminders (user_id, task_id, offset_text)
        select user_id, ${row.id}, offset_text
        from reminders
        where task_id = ${item.copyRemindersFrom}
          and offset_text is not null`;
      await followTask(tx, row.user_id, row.id, 'due', row.due_at);
    }
    tasks.push(toTask(row));
  }
  await enqueue(tx, rows.map((row, n) => taskEvent('com.taskfn.task.created', source, { user_id: row.user_id, task: tasks[n]! })));
  return tasks;
}

/** A missed occurrence is one more than this late; `skip` generates only occurrences within it. */
const graceMs = 60_000;

/** The occurrences one tick generates for a template, by its catch-up policy. */
function dueOccurrences(t: TemplateRow, now: Date, log: Logger): Date[] {
  const rule = t.recurrence;
  const first = t.next_at!;
  if (t.catch_up === 'skip') {
    const from = new Date(Math.max(first.getTime() - 1, now.getTime() - graceMs));
    return [...(first.getTime() >= now.getTime() - graceMs ? [first] : []), ...between(rule, t.starts_at, from, now, config.CATCH_UP_MAX)].filter(
      (d, i, all) => all.findIndex((x) => x.getTime() === d.getTime()) === i,
    );
  }
  if (t.catch_up === 'latest') {
    const rest = between(rule, t.starts_at, first, now, 100_000);
    return [rest.at(-1) ?? first];
  }
  const missed = [first, ...between(rule, t.starts_at, first, now, config.CATCH_UP_MAX)];
  if (missed.length > config.CATCH_UP_MAX) {
    log.warn({ template: t.id, generated: config.CATCH_UP_MAX, bound: 'CATCH_UP_MAX' }, 'catch-up bounded: the oldest missed occurrences are generated, later missed ones skipped');
    return missed.slice(0, config.CATCH_UP_MAX);
  }
  return missed;
}

const batchSize = 200;

/**
 * Generates the due occurrences of `schedule` templates at `now`, batch by batch. SKIP LOCKED lets
 * ticks overlap: each template is handled by one of them, and the unique occurrence key catches
 * anything that slips through.
 */
export async function generateDueInstances(now: Date, log: Logger): Promise<number> {
  let total = 0;
  for (;;) {
    const { seen, created } = await writeTransaction(async (tx) => {
      const templates = await tx<TemplateRow[]>`
        select id, user_id, title, description, priority, tags, recurrence, mode, starts_at, catch_up, next_at, generated,
          active, created_at, updated_at, version
        from recurring_tasks
        where active
          and mode = 'schedule'
          and next_at <= ${now}
        order by next_at
        limit ${batchSize}
        for update skip locked`;
      const items: Instance[] = [];
      const next: { id: string; next_at: string | null }[] = [];
      for (const t of templates) {
        for (const at of dueOccurrences(t, now, log)) {
          items.push({ template: t, dueAt: at, occurrenceAt: at, recursFrom: null, tags: t.tags, copyRemindersFrom: null });
        }
        next.push({ id: t.id, next_at: nextAfter(t.recurrence, t.starts_at, now)?.toISOString() ?? null });
      }
      const tasks = await insertInstances(tx, 'cron-tick', items);
      if (templates.length > 0) {
        await tx`
          update recurring_tasks r
          set next_at = u.next_at,
            updated_at = now()
          from unnest(${next.map((n) => n.id)}::uuid[], ${next.map((n) => n.next_at)}::timestamptz[]) as u(id, next_at)
          where r.id = u.id`;
        await countGenerated(tx, tasks);
      }
      return { seen: templates.length, created: tasks.length };
    });
    total += created;
    if (seen < batchSize) return total;
  }
}

async function countGenerated(tx: Tx, tasks: Task[]): Promise<void> {
  const ids = tasks.map((t) => t.recurring_task_id).filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  await tx`
    update recurring_tasks r
    set generated = r.generated + c.n
    from (select id, count(*)::int as n from unnest(${ids}::uuid[]) as x(id) group by id) as c
    where r.id = c.id`;
}

/** The rule's series re-anchored at the completion: the completion's day at the series' time of day. */
function anchorAtCompletion(rule: Rule, startsAt: Date, completedAt: Date): Date {
  const start = new TZDate(startsAt, rule.timezone);
  const done = new TZDate(completedAt, rule.timezone);
  return new TZDate(done.getFullYear(), done.getMonth(), done.getDate(), start.getHours(), start.getMinutes(), start.getSeconds(), rule.timezone);
}

/**
 * on_completion: the task after a completed one. From `due`: the first occurrence after the
 * completed task's due time. From `completion`: the series restarted at the completion, one step on.
 * Once per completed task (recurs_from is unique) and once per event.
 */
export async function createNextOnCompletion(consumer: string, event: Extract<TaskEvent, { type: 'com.taskfn.task.completed' }>): Promise<Task | null> {
  const { task, user_id: userId } = event.data;
  return writeTransaction(async (tx) => {
    if (!(await firstDelivery(tx, consumer, event.id))) return null;
    const [t] = await tx<(TemplateRow & { task_due_at: Date | null })[]>`
      select r.*, k.due_at as task_due_at
      from tasks k
      join recurring_tasks r on r.id = k.recurring_task_id
      where k.id = ${task.id}
        and k.user_id = ${userId}
        and r.active
        and r.mode = 'on_completion'
      for update of r`;
    if (!t) return null;
    const rule = t.recurrence;
    if (rule.count !== undefined && t.generated >= rule.count) return null;
    const completedAt = new Date(task.completed_at ?? event.time ?? Date.now());
    let due: Date | null;
    if (rule.from === 'completion') {
      const anchor = rule.freq === 'cron' ? completedAt : anchorAtCompletion(rule, t.starts_at, completedAt);
      due = nextAfter({ ...rule, count: undefined }, anchor, new Date(Math.max(anchor.getTime(), completedAt.getTime())));
    } else {
      due = nextAfter(rule, t.starts_at, t.task_due_at ?? completedAt);
    }
    if (!due) return null;
    const [created] = await insertInstances(tx, consumer, [
      {
        template: { ...t, title: task.title, description: task.description, priority: task.priority },
        dueAt: due, occurrenceAt: null, recursFrom: task.id, tags: task.tags, copyRemindersFrom: task.id,
      },
    ]);
    if (created) await tx`update recurring_tasks set generated = generated + 1 where id = ${t.id}`;
    return created ?? null;
  });
}
