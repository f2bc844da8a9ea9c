import { sql } from '../db/client.ts';
import * as tasks from '../db/tasks.ts';
import { ConflictError, NotFoundError, VersionConflictError } from '../domain/errors.ts';
import type { Task, TaskPatch } from '../domain/task.ts';
import { quote } from './local/wording.ts';
import type { ChatAction } from './messages.ts';
import { brief } from './tools.ts';
import { type LoggedAction, lastTurn, markUndone } from './undo-log.ts';

// Undo reverts the newest turn's changes, newest first, through the same services (so events and
// activity follow), each revert in the transaction that stamps its action undone. Before anything
// changes, every task the turn touched must still be as the turn left it: otherwise 409 with the
// task as it is now, and nothing is reverted.

const fieldNames: Record<string, string> = { title: 'title', description: 'note', priority: 'priority', due_at: 'due date', tags: 'tags' };
const patchFields = ['title', 'description', 'priority', 'due_at', 'tags'] as const;

/** The patch that puts back the fields a change moved. */
function revertPatch(before: Task, after: Task): TaskPatch {
  const patch: Record<string, unknown> = {};
  for (const f of patchFields) if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) patch[f] = before[f];
  return patch;
}

async function checkUnchanged(userId: string, actions: LoggedAction[]): Promise<void> {
  const latest = new Map<string, LoggedAction>();
  for (const a of actions) if (!latest.has(a.task_id)) latest.set(a.task_id, a);
  for (const a of latest.values()) {
    if (!a.after) continue; // deleted by the turn: nothing can have changed it since
    const now = await tasks.findTask(userId, a.task_id);
    if (!now) throw new ConflictError('version_conflict', `${quote(a.after.title)} was deleted since; nothing was undone`, [a.after]);
    if (now.version !== a.after.version) throw new VersionConflictError(now);
  }
}

interface Reverted {
  action: ChatAction;
  said: string;
  version?: number;
}

async function revert(actor: tasks.Actor, a: LoggedAction, expected: number | undefined): Promise<Reverted> {
  const mark = (tx: Parameters<tasks.OnChange>[0]) => markUndone(tx, a.id);
  const base = { undoes: a.tool, args: { task_id: a.task_id } };
  if (a.tool === 'add_task') {
    await tasks.deleteTask(actor, a.task_id, expected, mark);
    return { action: { ...base, tool: 'delete_task', result: { deleted: brief(a.after!) } }, said: `removed ${quote(a.after!.title)}` };
  }
  if (a.tool === 'delete_task') {
    const b = a.before!;
    let task = await tasks.createTask(actor, { title: b.title, description: b.description, priority: b.priority, due_at: b.due_at, tags: b.tags }, mark);
    if (b.completed) task = await tasks.setCompleted(actor, task.id, true);
    return { action: { ...base, tool: 'add_task', result: { task: brief(task) } }, said: `brought back ${quote(b.title)}` };
  }
  if (a.tool === 'complete_task') {
    const task = await tasks.setCompleted(actor, a.task_id, a.before!.completed, expected, mark);
    return {
      action: { ...base, tool: 'complete_task', result: { task: brief(task) } },
      said: a.before!.completed ? `marked ${quote(task.title)} done again` : `reopened ${quote(task.title)}`,
      version: task.version,
    };
  }
  // update_task
  const patch = revertPatch(a.before!, a.after!);
  let marked = false;
  const task = await tasks.updateTask(actor, a.task_id, patch, expected, async (tx) => {
    marked = true;
    await mark(tx);
  });
  // A patch that changes nothing (tags differing only in case) writes nothing, so stamp it here.
  if (!marked) await markUndone(sql, a.id);
  const fields = Object.keys(patch).map((f) => fieldNames[f]);
  return { action: { ...base, tool: 'update_task', result: { task: brief(task) } }, said: `put back the ${fields.join(' and ')} of ${quote(task.title)}`, version: task.version };
}

/** Reverts the newest turn of a conversation that has changes not yet undone. */
export async function undoLastTurn(actor: tasks.Actor, conversationId: string): Promise<{ reply: string; actions: ChatAction[] }> {
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
