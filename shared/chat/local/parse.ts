import { parseAdd, readsLikeTask } from './add.ts';
import { parseChange } from './change.ts';
import { matchTask } from './match.ts';
import { type ParseContext, type Plan, act, ask, reply } from './plan.ts';
import { quote } from '../wording.ts';
import { parseList, parsePaging } from './query.ts';
import { fixTypos } from './typos.ts';
import type { Pending } from '../messages.ts';
import { isUndo, normalize } from '../reading.ts';

export type { ParseContext, Plan } from './plan.ts';

// The local model: a deterministic English command parser. Pure: the message, the clock and the
// user's own tasks go in, a plan comes out; nothing here touches a task. A message can only ever
// name tasks of the candidate list, which holds the caller's tasks alone.

const greeting = /^(?:hi|hello|hey|hiya|yo|good\s+(?:morning|afternoon|evening)|help|what\s+can\s+you\s+do|how\s+does\s+this\s+work|commands)$/i;
const writeVerb = '(?:delete|remove|clear|drop|wipe|erase|trash|purge|empty|complete|finish|mark|cancel|close|update|change|edit|move|rename)';
// "all tasks", "every one", "everything": a repeat rule ("take out the trash every monday") is no bulk change.
const many = '(?:\\b(?:all|every|each|entire)\\s+(?:(?:of\\s+)?(?:my|the|your|their|these|those)\\s+)?(?:tasks?|todos?|items?|things?|ones?|of\\s+them|list)\\b|\\beverything\\b|\\ball$|\\ball\\s+(?:of\\s+)?(?:my|the)\\b)';
const bulk = new RegExp(`\\b${writeVerb}\\b.*${many}|${many}.*\\b${writeVerb}\\b`, 'i');
const someoneElses = new RegExp(`\\b${writeVerb}\\b.*(?:\\b(?:tasks?|todos?|list)\\s+(?:of|from|belonging\\s+to|owned\\s+by)\\s+(?!me\\b|mine\\b)\\w+|\\b\\w+'s\\s+(?:tasks?|todos?|list)\\b)`, 'i');

export const help =
  'I manage your tasks. Try: “add call mom tomorrow 5pm #family”, “what is overdue?”, “done with dentist”, “move report to friday”, ' +
  '“remind me about rent a day before”, “repeat rent on the 1st of every month”, “delete milk”, or “undo”.';
const refusal = 'I only change your own tasks, one at a time: name the task, like “delete dentist”.';
const notUnderstood = `I did not understand that. ${help}`;

const ordinals: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

// Thanks and the like: a friendly word back, and nothing changes.
const thanks = /^(?:(?:great|cool|nice|perfect|awesome|ok|okay|lovely|brilliant)[\s,!]+)?(?:thanks?(?:\s+(?:you|u))?(?:\s+(?:so|very)\s+much)?|thx|ty|tysm|cheers|ta|much\s+appreciated)(?:\s+a\s+lot)?!*$/i;
const nod = /^(?:great|cool|nice|perfect|awesome|ok|okay|k|got\s+it|good|lovely|brilliant|👍)!*$/iu;
const goodbye = /^(?:bye|goodbye|see\s+you|good\s*night|later|cya)!*$/i;
const yes = /^(?:y|yes|yeah|yep|yup|sure|ok|okay|please\s+do|do\s+it|go\s+ahead|correct|right)!*$/i;

/** An answer to "which one?": a number, an ordinal, or words of one option's title. */
function answer(text: string, pending: Pending): Plan | null {
  if (/^(?:neither|none(?:\s+of\s+them)?|never\s*mind|cancel|no|nope|stop|nothing|forget\s+it)$/i.test(text)) return reply('OK, nothing changed.');
  if (pending.choices) return choose(text, pending.choices);
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

/** An answer to a question with plans to pick from: a number, an ordinal, or "yes" when there is one. */
function choose(text: string, choices: NonNullable<Pending['choices']>): Plan | null {
  if (choices.length === 1 && yes.test(text)) return act(...choices[0]!.actions);
  const number = /^(?:the\s+|number\s+|option\s+)?(\d)(?:st|nd|rd|th)?(?:\s+one)?$/i.exec(text);
  const ordinal = /^(?:the\s+)?(first|second|third|fourth|fifth)(?:\s+one)?$/i.exec(text);
  const index = number ? Number(number[1]) - 1 : ordinal ? ordinals[ordinal[1]!.toLowerCase()]! - 1 : -1;
  const chosen = choices[index];
  return chosen ? act(...chosen.actions) : null;
}

/** Words that are neither a command nor a question ("buy milk") may be a task: asked, never added silently. */
function offerToAdd(text: string, asked: boolean): Plan | null {
  if (asked || !/^[\p{L}][\p{L}\p{N}'’-]*(?:\s+[\p{L}\p{N}'’-]+){1,11}$/u.test(text)) return null;
  return ask(`Add ${quote(text)} as a new task?`, [{ label: quote(text), actions: [{ tool: 'add_task', args: { title: text } }] }]);
}

export function parseMessage(message: string, ctx: ParseContext): Plan {
  const asked = /\?\s*$/.test(message);
  if (isUndo(message)) return { kind: 'undo' };
  const text = fixTypos(normalize(message));
  if (ctx.pending) {
    const picked = answer(text, ctx.pending);
    if (picked) return picked;
  }
  if (text === '' || greeting.test(text)) return reply(help);
  if (thanks.test(text)) return reply('You’re welcome!');
  if (nod.test(text)) return reply('Glad to help. Anything else?');
  if (goodbye.test(text)) return reply('Bye! Your tasks are saved.');
  // A new task is the caller's own whatever its title says; every other write names one task.
  const added = parseAdd(text, ctx);
  if (added) return added;
  if (bulk.test(text) || someoneElses.test(text)) return reply(refusal);
  const paged = parsePaging(text, ctx);
  if (paged) return paged;
  const listed = parseList(text, asked, ctx);
  if (listed) return listed;
  // No verb, but a date, a repeat, a tag or a priority: a task to add, as quick add reads it.
  const task = !asked && readsLikeTask(text, ctx);
  if (task) return task;
  if (!ctx.tasks) return { kind: 'lookup' };
  return parseChange(text, { ...ctx, tasks: ctx.tasks }) ?? offerToAdd(text, asked) ?? reply(notUnderstood);
}
