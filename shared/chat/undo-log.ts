import { type Sql, type Tx, db } from '../db/client.ts';
import type { Series } from '../db/task-series.ts';
import { ConflictError } from '../domain/errors.ts';
import type { ReminderInput } from '../domain/reminder.ts';
import type { Task } from '../domain/task.ts';
import type { ToolName } from './messages.ts';

// The undo log (table chat_actions): every change a chat turn made, with the task before and
// after, written in the transaction of the change itself, so that a change never exists without
// the record that can revert it.

/** A task as a change found or left it; with its reminders or its series when the change was about those. */
export type Snapshot = Task & { reminders?: ReminderInput[]; series?: Series | null };

export interface LoggedAction {
  id: string;
  tool: ToolName;
  task_id: string;
  before: Snapshot | null;
  after: Snapshot | null;
}

export interface TurnContext {
  actor: { userId: string };
  conversationId: string;
  turnId: string;
}

/** A task's reminders as they were given (an offset or a time), oldest first. */
export async function reminderInputs(tx: Tx | Sql, taskId: string): Promise<ReminderInput[]> {
  const rows = await tx<{ offset_text: string | null; at: Date | null }[]>`
    select offset_text, at
    from reminders
    where task_id = ${taskId}
    order by created_at, id`;
  return rows.map((r) => (r.offset_text !== null ? { offset: r.offset_text } : { at: r.at!.toISOString() }));
}

/** Logs one change of a turn, in the change's transaction. */
export async function recordChange(tx: Tx, ctx: TurnContext, tool: ToolName, before: Snapshot | null, after: Snapshot | null): Promise<void> {
  const json = (s: Snapshot | null) => (s ? tx.json(s as Parameters<typeof tx.json>[0]) : null);
  await tx`
    insert into chat_actions (user_id, conversation_id, turn_id, tool, task_id, before, after)
    values (${ctx.actor.userId}, ${ctx.conversationId}, ${ctx.turnId}, ${tool}, ${(after ?? before)!.id}, ${json(before)}, ${json(after)})`;
}

/** The newest turn's actions not yet undone, newest first: what an undo reverts. */
export async function lastTurn(userId: string, conversationId: string): Promise<LoggedAction[]> {
  const sql = db();
  return sql<LoggedAction[]>`
    select id::text, tool, task_id, before, after
    from chat_actions
    where user_id = ${userId}
      and conversation_id = ${conversationId}
      and undone_at is null
      and turn_id = (
        select turn_id
        from chat_actions
        where user_id = ${userId}
          and conversation_id = ${conversationId}
          and undone_at is null
        order by id desc
        limit 1
      )
    order by id desc`;
}

/**
 * Stamps an action undone in the transaction of its revert. A second undo racing for the same
 * action finds it stamped and rolls its own revert back.
 */
export async function markUndone(tx: Tx | Sql, actionId: string): Promise<void> {
  const rows = await tx`
    update chat_actions
    set undone_at = now()
    where id = ${actionId}
      and undone_at is null`;
  if (rows.count === 0) throw new ConflictError('undo_conflict', 'this change is being undone by another request');
}

/** A forgotten conversation can no longer be undone. */
export async function forgetActions(userId: string, conversationId: string): Promise<void> {
  const sql = db();
  await sql`
    delete from chat_actions
    where user_id = ${userId}
      and conversation_id = ${conversationId}`;
}

/** Undo reaches back as far as a conversation lives; older rows are swept a few at a time. */
export async function sweepActions(olderThanSeconds: number): Promise<void> {
  const sql = db();
  await sql`
    delete from chat_actions
    where id in (
      select id
      from chat_actions
      where created_at < now() - ${olderThanSeconds} * interval '1 second'
      limit 100
    )`;
}
