import { listTasks } from '../../db/task-list.ts';
import { TaskQuery } from '../../domain/task.ts';
import type { ChatMessage } from '../messages.ts';
import type { ChatModel } from '../model.ts';
import { parseMessage } from './parse.ts';
import { describe } from './reply.ts';

// The `local` model: the parser plans, the tools act, the reply says what they did. The parser
// is given the caller's own tasks (the 200 most recently changed) as the only ones a message can name.

const candidates = TaskQuery.parse({ status: 'all', sort: 'updated_at', limit: '200' });

/** The task the previous reply acted on, for "it" and "that". */
function recentTask(reply: ChatMessage | undefined): { id: string; title: string } | undefined {
  for (const a of [...(reply?.actions ?? [])].reverse()) {
    const task = a.result.task as { id: string; title: string } | undefined;
    if (task) return { id: task.id, title: task.title };
  }
  return undefined;
}

export function createLocalModel(): ChatModel {
  return {
    name: 'local',
    async respond({ message, history, now, timeZone, tools }) {
      const page = await listTasks(tools.ctx.actor.userId, candidates);
      const last = history.findLast((m) => m.role === 'assistant');
      const plan = parseMessage(message, { now, timeZone, tasks: page.items, pending: last?.pending, recent: recentTask(last) });
      if (plan.kind === 'undo') return { reply: 'Say “undo” on its own to undo the last change.' };
      if (plan.kind === 'reply') return { reply: plan.text, pending: plan.pending };
      for (const planned of plan.actions) await tools.run(planned.tool, planned.args);
      return { reply: describe(tools.actions, timeZone) };
    },
  };
}
