import { parseAdd } from './add.ts';
import { parseChange } from './change.ts';
import { matchTask } from './match.ts';
import { type ParseContext, type Plan, act, reply } from './plan.ts';
import { parseList } from './query.ts';
import type { Pending } from '../messages.ts';
import { isUndo, normalize } from '../reading.ts';

export type { ParseContext, Plan } from './plan.ts';

// The local model: a deterministic English command parser. Pure: the message, the clock and the
// user's own tasks go in, a plan comes out; nothing here touches a task. A message can only ever
// name tasks of the candidate list, which holds the caller's tasks alone.

const greeting = /^(?:hi|hello|hey|hiya|yo|good\s+(?:morning|afternoon|evening)|help|what\s+can\s+you\s+do|how\s+does\s+this\s+work|commands)$/i;
const writeVerb = '(?:delete|remove|clear|drop|wipe|erase|trash|purge|empty|complete|finish|mark|cancel|close|update|change|edit|move|rename)';
const bulk = new RegExp(`\\b${writeVerb}\\b.*\\b(?:all|every|everything|each|entire)\\b|\\b(?:all|every|everything|each)\\b.*\\b${writeVerb}\\b`, 'i');
const someoneElses = new RegExp(`\\b${writeVerb}\\b.*(?:\\b(?:tasks?|todos?|list)\\s+(?:of|from|belonging\\s+to|owned\\s+by)\\s+(?!me\\b|mine\\b)\\w+|\\b\\w+'s\\s+(?:tasks?|todos?|list)\\b)`, 'i');

export const help =
  'I manage your tasks. Try: “add call mom tomorrow 5pm #family”, “what is overdue?”, “done with dentist”, “move report to friday”, ' +
  '“remind me about rent a day before”, “repeat rent on the 1st of every month”, “delete milk”, or “undo”.';
const refusal = 'I only change your own tasks, one at a time: name the task, like “delete dentist”.';
const notUnderstood = `I did not understand that. ${help}`;

const ordinals: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

/** An answer to "which one?": a number, an ordinal, or words of one option's title. */
function answer(text: string, pending: Pending): Plan | null {
  if (/^(?:neither|none(?:\s+of\s+them)?|never\s*mind|cancel|no|stop|nothing|forget\s+it)$/i.test(text)) return reply('OK, nothing changed.');
  const number = /^(?:the\s+|number\s+|no\.?\s*|#)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+one)?$/i.exec(text);
  const ordinal = /^(?:the\s+)?(first|second|third|fourth|fifth|last)(?:\s+one)?$/i.exec(text);
  let index: number | undefined;
  if (number) index = Number(number[1]) - 1;
  else if (ordinal) index = ordinal[1]!.toLowerCase() === 'last' ? pending.options.length - 1 : ordinals[ordinal[1]!.toLowerCase()]! - 1;
  else {
    const match = matchTask(text, pending.options);
    if (match.kind === 'one') index = pending.options.indexOf(match.task);
  }
  const chosen = index === undefined ? undefined : pending.options[index];
  if (!chosen) return null;
  return act(...pending.actions.map(({ choose: _, ...p }) => ({ ...p, args: { ...p.args, task_id: chosen.id } })));
}

export function parseMessage(message: string, ctx: ParseContext): Plan {
  const asked = /\?\s*$/.test(message);
  if (isUndo(message)) return { kind: 'undo' };
  const text = normalize(message);
  if (ctx.pending) {
    const picked = answer(text, ctx.pending);
    if (picked) return picked;
  }
  if (text === '' || greeting.test(text)) return reply(help);
  // A new task is the caller's own whatever its title says; every other write names one task.
  const added = parseAdd(text, ctx);
  if (added) return added;
  if (bulk.test(text) || someoneElses.test(text)) return reply(refusal);
  const listed = parseList(text, asked, ctx);
  if (listed) return listed;
  if (!ctx.tasks) return { kind: 'lookup' };
  return parseChange(text, { ...ctx, tasks: ctx.tasks }) ?? reply(notUnderstood);
}
