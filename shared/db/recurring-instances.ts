import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { TZDate } from '@date-fns/tz';
import { getConfig } from '../config.ts';
import { type Rule, TooSparse, between, lastAtOrBefore, nextAfter } from '../domain/recurrence/index.ts';
import type { Task } from '../domain/task.ts';
import { enqueue, writeTransaction } from '../events/outbox.ts';
import { type TaskEvent, taskEvent } from '../events/task-events.ts';
import type { Logger } from '../observability/log.ts';
import { firstDelivery } from './activity.ts';
import { type Tx, db } from './client.ts';
import { followTask } from './reminders.ts';
import { linkTags } from './task-tags.ts';
import { type TaskRow, taskColumns, toTask } from './task-row.ts';
import { type TemplateRow, templateColumns } from './template-row.ts';

export interface Instance {
  template: Pick<TemplateRow, 'id' | 'user_id' | 'title' | 'description' | 'priority'>;
  dueAt: Date;
  /** schedule mode: the occurrence this task is (unique per template). */
  occurrenceAt: Date | null;
  /** on_completion: the completed task this one follows (unique). */
  recursFrom: string | null;
  tags: string[];
  /** Offset reminders to give the new task (ISO 8601 durations). */
  reminderOffsets: string[];
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
    select ${taskColumns()}, t.user_id, t.occurrence_at, t.recurs_from
    from tasks t
    where t.id = any(${ids}::uuid[])`;
  const key = (template: string, occurrence: Date | null, from: string | null) => `${template}|${occurrence?.toISOString() ?? ''}|${from ?? ''}`;
  const byKey = new Map(items.map((i) => [key(i.template.id, i.occurrenceAt, i.recursFrom), i]));
  const tasks: Task[] = [];
  for (const row of rows) {
    const item = byKey.get(key(row.recurring_task_id, row.occurrence_at, row.recurs_from))!;
    if (item.tags.length > 0) row.tags = await linkTags(tx, row.user_id, row.id, item.tags);
    if (item.reminderOffsets.length > 0) {
      await tx`
        insert into reminders (user_id, task_id, offset_text)
        select ${row.user_id}, ${row.id}, o
        from unnest(${item.reminderOffsets}::text[]) with ordinality as u(o, i)
        order by i`;
      await followTask(tx, row.user_id, row.id, 'due', row.due_at);
    }
    tasks.push(toTask(row));
  }
  await enqueue(tx, rows.map((row, n) => taskEvent('com.taskfn.task.created', source, { user_id: row.user_id, task: tasks[n]! })));
  return tasks;
}

/** A missed occurrence is one more than this late; `skip` generates only occurrences within it. */
const graceMs = 60_000;

/**
 * The occurrences one tick generates for a template, by its catch-up policy. Each engine call has
 * its own step budget, so a template costs at most a few milliseconds whatever its rule.
 */
function dueOccurrences(t: TemplateRow, now: Date, log: Logger): Date[] {
  const rule = t.recurrence;
  const first = t.next_at!;
  const max = getConfig().CATCH_UP_MAX;
  if (t.catch_up === 'skip') {
    const from = new Date(Math.max(first.getTime() - 1, now.getTime() - graceMs));
    return [...(first.getTime() >= now.getTime() - graceMs ? [first] : []), ...between(rule, t.starts_at, from, now, max)].filter(
      (d, i, all) => all.findIndex((x) => x.getTime() === d.getTime()) === i,
    );
  }
  // Read backwards from now: no walk over the missed ones, which were 100,000 steps for a
  // minute-by-minute rule 80 days behind.
  if (t.catch_up === 'latest') return [lastAtOrBefore(rule, t.starts_at, now) ?? first];
  const missed = [first, ...between(rule, t.starts_at, first, now, max)];
  if (missed.length > max) {
    log.warn({ template: t.id, generated: max, bound: 'CATCH_UP_MAX' }, 'catch-up bounded: the oldest missed occurrences are generated, later missed ones skipped');
    return missed.slice(0, max);
  }
  return missed;
}

const batchSize = 200;

/**
 * Generates the due occurrences of `schedule` templates at `now`, batch by batch, at most
 * TICK_MAX_TEMPLATES templates a tick: the rest keep their next_at and the next tick takes them,
 * oldest first. SKIP LOCKED lets ticks overlap: each template is handled by one of them, and the
 * unique occurrence key catches anything that slips through. Between templates the event loop gets
 * its turn, so other requests interleave with a long tick.
 */
export async function generateDueInstances(now: Date, log: Logger, { maxTemplates = getConfig().TICK_MAX_TEMPLATES } = {}): Promise<number> {
  const sql = db();
  let total = 0;
  let handled = 0;
  for (;;) {
    const take = Math.min(batchSize, maxTemplates - handled);
    if (take <= 0) {
      const [{ due } = { due: 0 }] = await sql<{ due: number }[]>`
        select count(*)::int as due
        from recurring_tasks
        where active
          and mode = 'schedule'
          and next_at <= ${now}`;
      if (due > 0) log.warn({ handled, carried: due, bound: 'TICK_MAX_TEMPLATES' }, 'tick bounded: the remaining due templates wait for the next tick');
      return total;
    }
    const { seen, created } = await writeTransaction(async (tx) => {
      const templates = await tx<TemplateRow[]>`
        select ${templateColumns()}
        from recurring_tasks
        where active
          and mode = 'schedule'
          and next_at <= ${now}
        order by next_at
        limit ${take}
        for update skip locked`;
      const items: Instance[] = [];
      const next: { id: string; next_at: string | null }[] = [];
      for (const t of templates) {
        await yieldToOthers();
        try {
          const due = dueOccurrences(t, now, log);
          next.push({ id: t.id, next_at: nextAfter(t.recurrence, t.starts_at, now)?.toISOString() ?? null });
          for (const at of due) {
            items.push({ template: t, dueAt: at, occurrenceAt: at, recursFrom: null, tags: t.tags, reminderOffsets: [] });
          }
        } catch (err) {
          // Not expected for a rule that was accepted (creation searches with the same budget):
          // the template stays due and is tried again, and the rest of the tick goes on.
          if (!(err instanceof TooSparse)) throw err;
          log.warn({ template: t.id, err }, 'recurrence too sparse to search within the budget; left for the next tick');
        }
      }
      const tasks = await insertInstances(tx, 'cron-tick', items);
      if (next.length > 0) {
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
    handled += seen;
    if (seen < take) return total;
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
 * Everything comes from the event, not from the task row, which may be gone by now (completed and
 * deleted at once). A task that still exists but was reopened before this ran
 * (an undone completion) gets no successor; its lock orders this against the reopening.
 * Once per completed task (recurs_from is unique) and once per event.
 */
export async function createNextOnCompletion(consumer: string, event: Extract<TaskEvent, { type: 'com.taskfn.task.completed' }>): Promise<Task | null> {
  const { task, user_id: userId, reminder_offsets: reminderOffsets } = event.data;
  if (!task.recurring_task_id) return null;
  return writeTransaction(async (tx) => {
    if (!(await firstDelivery(tx, consumer, event.id))) return null;
    const [live] = await tx<{ completed: boolean }[]>`
      select completed
      from tasks
      where id = ${task.id}
        and user_id = ${userId}
      for share`;
    if (live && !live.completed) return null;
    const [t] = await tx<TemplateRow[]>`
      select ${templateColumns()}
      from recurring_tasks
      where id = ${task.recurring_task_id}
        and user_id = ${userId}
        and active
        and mode = 'on_completion'
      for update`;
    if (!t) return null;
    const rule = t.recurrence;
    if (rule.count !== undefined && t.generated >= rule.count) return null;
    const completedAt = new Date(task.completed_at ?? event.time ?? Date.now());
    let due: Date | null;
    if (rule.from === 'completion') {
      const anchor = rule.freq === 'cron' ? completedAt : anchorAtCompletion(rule, t.starts_at, completedAt);
      due = nextAfter({ ...rule, count: undefined }, anchor, new Date(Math.max(anchor.getTime(), completedAt.getTime())));
    } else {
      due = nextAfter(rule, t.starts_at, task.due_at ? new Date(task.due_at) : completedAt);
    }
    if (!due) return null;
    const [created] = await insertInstances(tx, consumer, [
      {
        template: { ...t, title: task.title, description: task.description, priority: task.priority },
        dueAt: due, occurrenceAt: null, recursFrom: task.id, tags: task.tags, reminderOffsets,
      },
    ]);
    if (created) await tx`update recurring_tasks set generated = generated + 1 where id = ${t.id}`;
    return created ?? null;
  });
}

/**
 * Removes the task a completion made, when that completion is undone and the task is as it was
 * made (version 1, open); one the user has changed since is theirs and stays. In the caller's
 * transaction, which holds the completed task's lock. Answers the removed task, if any.
 */
export async function removeSuccessor(tx: Tx, source: string, userId: string, completedTaskId: string): Promise<Task | null> {
  const [row] = await tx<(TaskRow & { user_id: string })[]>`
    select ${taskColumns()}, t.user_id
    from tasks t
    where t.recurs_from = ${completedTaskId}
      and t.user_id = ${userId}
      and t.version = 1
      and not t.completed
    for update of t`;
  if (!row) return null;
  const successor = toTask(row);
  await tx`delete from tasks where id = ${row.id}`;
  if (successor.recurring_task_id) {
    await tx`update recurring_tasks set generated = greatest(generated - 1, 0) where id = ${successor.recurring_task_id}`;
  }
  await enqueue(tx, [taskEvent('com.taskfn.task.deleted', source, { user_id: userId, task: successor })]);
  return successor;
}
