import { type Tx, db } from '../db/client.ts';
import { removeSuccessor } from '../db/recurring-instances.ts';
import { replaceReminders } from '../db/reminders.ts';
import { getSettings } from '../db/settings.ts';
import { retireTemplate } from '../db/recurring-tasks.ts';
import { restoreTaskRecurrence } from '../db/task-series.ts';
import { ownTask } from '../db/task-row.ts';
import * as tasks from '../db/tasks.ts';
import type { Actor } from '../domain/actor.ts';
import { ConflictError, NotFoundError, VersionConflictError } from '../domain/errors.ts';
import { type ReminderInput, fireAt } from '../domain/reminder.ts';
import type { Task, TaskPatch } from '../domain/task.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { quote } from './wording.ts';
import type { ChatAction } from './messages.ts';
import { brief } from './tools.ts';
import { type LoggedAction, type Snapshot, lastTurn, markUndone, reminderInputs } from './undo-log.ts';

// Undo reverts the newest turn's changes, newest first, through the same services (so events and
// activity follow), each revert in the transaction that stamps its action undone. Before anything
// changes, every task the turn touched must still be as the turn left it (its version, and its
// reminders and series where the turn set those): otherwise 409 with the task as it is now, and
// nothing is reverted.

const fieldNames: Record<string, string> = { title: 'title', description: 'note', priority: 'priority', due_at: 'due date', tags: 'tags' };
const patchFields = ['title', 'description', 'priority', 'due_at', 'tags'] as const;

/** The patch that puts back the fields a change moved. */
function revertPatch(before: Task, after: Task): TaskPatch {
  const patch: Record<string, unknown> = {};
  for (const f of patchFields) if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) patch[f] = before[f];
  return patch;
}

const sameReminders = (a: ReminderInput[], b: ReminderInput[]) => {
  const key = (r: ReminderInput) => (r.offset !== undefined ? `o${r.offset}` : `a${Date.parse(r.at!)}`);
  return a.map(key).sort().join() === b.map(key).sort().join();
};

async function checkUnchanged(userId: string, actions: LoggedAction[]): Promise<void> {
  const sql = db();
  const latest = new Map<string, LoggedAction[]>();
  for (const a of actions) latest.set(a.task_id, [...(latest.get(a.task_id) ?? []), a]);
  for (const [taskId, [newest, ...older]] of latest) {
    const after = newest!.after;
    if (!after) continue; // deleted by the turn: nothing can have changed it since
    const now = await tasks.findTask(userId, taskId);
    if (!now) throw new ConflictError('version_conflict', `${quote(after.title)} was deleted since; nothing was undone`, [after]);
    if (now.version !== after.version) throw new VersionConflictError(now);
    // Reminders and series change without the task's version: compare them where the turn set them.
    const reminders = [newest!, ...older].find((a) => a.after?.reminders)?.after?.reminders;
    if (reminders && !sameReminders(reminders, await reminderInputs(sql, taskId))) throw new VersionConflictError(now);
    const series = [newest!, ...older].find((a) => a.after?.series !== undefined)?.after;
    if (series && now.recurring_task_id !== series.recurring_task_id) throw new VersionConflictError(now);
  }
}

/** Reminders worth putting back: a reminder whose time has passed would fire again at once. */
async function stillAhead(userId: string, reminders: ReminderInput[], dueAt: string | null): Promise<ReminderInput[]> {
  const { timezone } = await getSettings(userId);
  const now = Date.now();
  return reminders.filter((r) => {
    const at = fireAt({ offset: r.offset ?? null, at: r.at ? new Date(r.at) : null }, dueAt ? new Date(dueAt) : null, timezone);
    return at === null || at.getTime() > now;
  });
}

interface Reverted {
  action: ChatAction;
  said: string;
  version?: number;
}

async function revert(actor: Actor, a: LoggedAction, expected: number | undefined): Promise<Reverted> {
  const sql = db();
  const mark = (tx: Tx) => markUndone(tx, a.id);
  const base = { undoes: a.tool, args: { task_id: a.task_id } };
  const before = a.before as Snapshot;
  const after = a.after as Snapshot;
  switch (a.tool) {
    case 'add_task':
      await tasks.deleteTask(actor, a.task_id, {
        expected,
        onChange: async (tx) => {
          // A series the task started ends with it.
          if (after.recurring_task_id) await retireTemplate(tx, actor.userId, after.recurring_task_id);
          await mark(tx);
        },
      });
      return { action: { ...base, tool: 'delete_task', result: { deleted: brief(after) } }, said: `removed ${quote(after.title)}` };
    case 'delete_task': {
      const reminders = await stillAhead(actor.userId, before.reminders ?? [], before.due_at);
      const input = { title: before.title, description: before.description, priority: before.priority, due_at: before.due_at, tags: before.tags, reminders };
      let task = await tasks.createTask(
        actor,
        input,
        async (tx, { after: created }) => {
          await tx`update tasks set recurring_task_id = ${before.recurring_task_id} where id = ${created!.id}`;
          await mark(tx);
        },
        a.task_id,
      );
      if (before.completed) task = await tasks.setCompleted(actor, task.id, true);
      return { action: { ...base, tool: 'add_task', result: { task: brief(task) } }, said: `brought back ${quote(before.title)}` };
    }
    case 'complete_task': {
      let successor: Task | null = null;
      const task = await tasks.setCompleted(actor, a.task_id, before.completed, {
        expected,
        onChange: async (tx) => {
          // Reopening takes back the next task of the series that the completion made. If
          // recur-on-complete has not run yet, it finds the task reopened and makes none.
          if (!before.completed) successor = await removeSuccessor(tx, actor.source, actor.userId, a.task_id);
          await mark(tx);
        },
      });
      const removed = successor ? ` and removed the next one, due ${(successor as Task).due_at?.slice(0, 10)}` : '';
      return {
        action: { ...base, tool: 'complete_task', result: { task: brief(task) } },
        said: before.completed ? `marked ${quote(task.title)} done again` : `reopened ${quote(task.title)}${removed}`,
        version: task.version,
      };
    }
    case 'set_reminder': {
      const reminders = await stillAhead(actor.userId, before.reminders ?? [], after.due_at);
      await syncedTransaction(sql, async (tx) => {
        const task = await ownTask(tx, actor.userId, a.task_id, { lock: true });
        if (!sameReminders(after.reminders ?? [], await reminderInputs(tx, a.task_id))) throw new VersionConflictError(task);
        await replaceReminders(tx, actor.userId, a.task_id, reminders);
        await mark(tx);
      });
      return { action: { ...base, tool: 'set_reminder', args: { ...base.args, reminders }, result: { task: brief(after) } }, said: `put back the reminders of ${quote(after.title)}` };
    }
    case 'set_recurrence': {
      const task = await restoreTaskRecurrence(actor, a.task_id, { before: before.series ?? null, after: after.series ?? null, link: before.recurring_task_id }, mark);
      const said = before.series ? `put back how ${quote(task.title)} repeats` : `${quote(task.title)} no longer repeats`;
      return { action: { ...base, tool: 'set_recurrence', result: { task: brief(task) } }, said };
    }
    default: {
      // update_task
      const patch = revertPatch(before, after);
      let marked = false;
      const task = await tasks.updateTask(actor, a.task_id, patch, {
        expected,
        onChange: async (tx) => {
          marked = true;
          await mark(tx);
        },
      });
      // A patch that changes nothing (tags differing only in case) writes nothing, so stamp it here.
      if (!marked) await markUndone(sql, a.id);
      const fields = Object.keys(patch).map((f) => fieldNames[f]);
      return { action: { ...base, tool: 'update_task', result: { task: brief(task) } }, said: `put back the ${fields.join(' and ')} of ${quote(task.title)}`, version: task.version };
    }
  }
}

/** Reverts the newest turn of a conversation that has changes not yet undone. */
export async function undoLastTurn(actor: Actor, conversationId: string): Promise<{ reply: string; actions: ChatAction[] }> {
  const actions = await lastTurn(actor.userId, conversationId);
  if (actions.length === 0) return { reply: 'Nothing to undo.', actions: [] };
  await checkUnchanged(actor.userId, actions);
  const versions = new Map<string, number>();
  const done: Reverted[] = [];
  for (const a of actions) {
    try {
      const step = await revert(actor, a, versions.get(a.task_id) ?? a.after?.version);
      if (step.version !== undefined) versions.set(a.task_id, step.version);
      done.push(step);
    } catch (err) {
      // Changed between the check and the revert: a conflict like any other.
      if (err instanceof NotFoundError) throw new ConflictError('version_conflict', `${quote((a.after ?? a.before)!.title)} changed while undoing`, [a.after ?? a.before]);
      throw err;
    }
  }
  return { reply: `Undone: ${done.map((d) => d.said).join('; ')}.`, actions: done.map((d) => d.action) };
}
