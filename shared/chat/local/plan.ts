import type { Pending, Planned } from '../messages.ts';
import { type Candidate, matchTask } from './match.ts';
import type { Clock } from './calendar.ts';
import { label, quote } from '../wording.ts';

/**
 * What the parser makes of a message: tool calls to run, a reply (an answer or a question), an
 * undo, or `lookup`: the message names a task, so parse it again with the user's tasks.
 */
export type Plan = { kind: 'actions'; actions: Planned[] } | { kind: 'reply'; text: string; pending?: Pending } | { kind: 'undo' } | { kind: 'lookup' };

export interface ParseContext extends Clock {
  /** The user's tasks the message may refer to; left out, they are loaded only for a message that names one. */
  tasks?: Candidate[] | undefined;
  /** The question the previous reply asked, if any. */
  pending?: Pending | undefined;
  /** The task the previous turn acted on: what "it" means. */
  recent?: { id: string; title: string } | undefined;
  /** The list the previous turn showed, and where its next page starts: what "show more" means. */
  page?: { args: Record<string, unknown>; cursor: string | null } | undefined;
}

export type WithTasks = ParseContext & { tasks: Candidate[] };

export const reply = (text: string, pending?: Pending): Plan => (pending ? { kind: 'reply', text, pending } : { kind: 'reply', text });
export const act = (...actions: Planned[]): Plan => ({ kind: 'actions', actions });

/** One short question with its candidates, numbered; the answer ("1", "the second", "yes" to a single one) picks a plan. */
export function ask(question: string, choices: { label: string; actions: Planned[] }[]): Plan {
  const listed = choices.length === 1 ? '' : ` ${choices.map((c, i) => `${i + 1}. ${c.label}`).join(' ')}`;
  return reply(`${question}${listed}`, { actions: [], options: [], choices });
}

const pronoun = /^(?:it|that|this|that one|this one|that task|this task|the task|the last one|same one|)$/i;
const shown = 5;

/**
 * The plan for calls on one task named by `ref` in `pool`: the calls when one task fits, a "which
 * one?" question holding the calls when several do, or a reply saying none does.
 */
export function onTask(ref: string, pool: Candidate[], ctx: ParseContext, calls: (taskId: string) => Planned[], kind = ''): Plan {
  const trimmed = ref.trim();
  if (pronoun.test(trimmed)) {
    return ctx.recent ? act(...calls(ctx.recent.id)) : reply('Which task do you mean? Name it by a word of its title.');
  }
  const match = matchTask(trimmed, pool);
  switch (match.kind) {
    case 'one':
      return act(...calls(match.task.id));
    case 'vague':
      return reply('Which task do you mean? Name it by a word of its title.');
    case 'none':
      return reply(`No ${kind ? `${kind} ` : ''}task matches ${quote(trimmed)}.`);
    case 'many': {
      const options = match.tasks.slice(0, shown);
      const more = match.tasks.length > shown ? ` (${match.tasks.length} match; these are the first ${shown}, more words narrow it down)` : '';
      const list = options.map((t, i) => `${i + 1}. ${label(t, ctx.timeZone)}`).join(' ');
      const actions = calls('').map(({ args: { task_id: _, ...args }, ...p }) => ({ ...p, args, choose: true as const }));
      return reply(`Which one? ${list}${more}`, { actions, options: options.map((t) => ({ id: t.id, title: t.title })) });
    }
  }
}
