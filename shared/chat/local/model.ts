import { listTasks } from '../../db/task-list.ts';
import { TaskQuery } from '../../domain/task.ts';
import type { ChatMessage } from '../messages.ts';
import type { ChatModel } from '../model.ts';
import { help, parseMessage } from './parse.ts';
import { describe } from '../reply.ts';

// The `local` model: the parser plans, the tools act, the reply says what they did. A message
// that names a task is parsed with the caller's own tasks (the 200 most recently changed) as the
// only ones it can name; they are loaded only then.

const candidates = TaskQuery.parse({ status: 'all', sort: 'updated_at', limit: '200' });

/** The task the previous reply acted on, for "it" and "that". */
function recentTask(reply: ChatMessage | undefined): { id: string; title: string } | undefined {
  for (const a of [...(reply?.actions ?? [])].reverse()) {
    const task = a.result.task as { id: string; title: string } | undefined;
    if (task) return { id: task.id, title: task.title };
  }
  return undefined;
}

/** The list the previous reply showed and its next cursor, for "show more": the conversation keeps it. */
function shownPage(reply: ChatMessage | undefined) {
  const list = reply?.actions?.findLast((a) => a.tool === 'list_tasks' && !a.result.error);
  if (!list) return undefined;
  const { cursor: _, ...args } = list.args;
  return { args, cursor: (list.result.next_cursor as string | null | undefined) ?? null };
}

export function createLocalModel(): ChatModel {
  return {
    name: 'local',
    async respond({ message, history, now, timeZone, tools }) {
      const last = history.findLast((m) => m.role === 'assistant');
      const ctx = { now, timeZone, pending: last?.pending, recent: recentTask(last), page: shownPage(last) };
      let plan = parseMessage(message, ctx);
      if (plan.kind === 'lookup') plan = parseMessage(message, { ...ctx, tasks: (await listTasks(tools.ctx.actor.userId, candidates)).items });
      if (plan.kind === 'reply') return { reply: plan.text, pending: plan.pending };
      if (plan.kind === 'actions') {
        for (const planned of plan.actions) await tools.run(planned.tool, planned.args);
        return { reply: describe(tools.actions, timeZone) };
      }
      // "undo" never reaches a model (the turn answers it), and a parse with the tasks never asks for them.
      return { reply: help };
    },
  };
}
