import { addDays } from 'date-fns';
import { priorityOf } from './phrases.ts';
import { type ParseContext, type Plan, act, reply } from './plan.ts';
import { nextWeekday, today, weekdayIndex, weekdayPattern } from './calendar.ts';
import { isoIn } from './time.ts';

// "what is overdue?", "what's due this week", "show high priority tasks #work", "find rent": a
// list_tasks call with the filters of GET /api/tasks, soonest due first.

const listVerb = /^(?:show|list|display|give\s+me|get\s+(?:my|all|the)\b|find|search|look|overdue|my\s+tasks|tasks|todos?|agenda)\b/i;
const question = /^(?:what|what's|whats|which|any|anything|do\s+i|did\s+i|have\s+i|how\s+many|is\s+there|are\s+there|is|are)\b/i;
// Words before "tasks" that qualify them rather than name what they are about.
const filterWords = /^(?:open|completed|complete|done|finished|overdue|late|pending|due|upcoming|remaining|current|all|other|new|recent|old|urgent|critical|high|low|medium|normal|important|today'?s|tomorrow'?s|weekly|daily|monthly|recurring|repeating|next|last|first)$/i;
const aboutTasks = /\b(?:tasks?|todos?|to\s+do|overdue|late|due|have|left|pending|open|completed|done|finished|finish|complete|priority|urgent|critical|plate|agenda|list|today|tomorrow|tagged)\b|#/i;
const more = /^(?:(?:show|see|list|load|give\s+me|get)\s+)?(?:more|the\s+rest|next\s+page|next\s+ones|next|page\s+2)(?:\s+(?:tasks|please|of\s+them))?$/i;

/** "show more", "next page": the next page of the list the previous turn showed, through its cursor. */
export function parsePaging(text: string, ctx: ParseContext): Plan | null {
  if (!more.test(text)) return null;
  if (!ctx.page) return reply('Which tasks? Try “show my tasks” first.');
  if (!ctx.page.cursor) return reply('That was all of them.');
  return act({ tool: 'list_tasks', args: { ...ctx.page.args, cursor: ctx.page.cursor } });
}

export function parseList(text: string, asked: boolean, ctx: ParseContext): Plan | null {
  // A question lists tasks only when it is about tasks: "what is the meaning of life?" is not.
  if (!listVerb.test(text) && !((question.test(text) || asked) && aboutTasks.test(text))) return null;
  const args: Record<string, string> = {};
  const completed = /\b(?:completed|done|finished|did\s+i\s+(?:finish|complete|do|get\s+done))\b/i.test(text);
  if (completed) args.status = 'completed';
  else if (/\ball\b/i.test(text)) args.status = 'all';
  if (/\b(?:overdue|late|past\s+due)\b/i.test(text)) args.overdue = 'true';

  const start = today(ctx);
  const onDay = new RegExp(`\\b(?:on|for|this|next)\\s+(${weekdayPattern})\\b`, 'i').exec(text);
  const range = (from: Date, to: Date) => {
    args.due_after = isoIn(from, ctx.timeZone);
    args.due_before = isoIn(to, ctx.timeZone);
  };
  // "what did I finish today?" asks when tasks were completed, not when they are due.
  if (completed && /\btoday\b/i.test(text)) args.completed_after = isoIn(start, ctx.timeZone);
  else if (completed && /\byesterday\b/i.test(text)) args.completed_after = isoIn(addDays(start, -1), ctx.timeZone);
  else if (completed && /\bthis\s+week\b/i.test(text)) args.completed_after = isoIn(addDays(nextWeekday(start, 1), -7), ctx.timeZone);
  else if (/\btoday\b/i.test(text)) range(start, addDays(start, 1));
  else if (/\btomorrow\b/i.test(text)) range(addDays(start, 1), addDays(start, 2));
  else if (/\bthis\s+week\b/i.test(text)) range(start, nextWeekday(start, 1));
  else if (onDay) range(nextWeekday(start, weekdayIndex(onDay[1]!), true), addDays(nextWeekday(start, weekdayIndex(onDay[1]!), true), 1));
  else if (/\bnext\s+week\b/i.test(text)) range(nextWeekday(start, 1), addDays(nextWeekday(start, 1), 7));

  const level = /\b(low|medium|normal|high|critical|urgent|top)[\s-]+priority\b/i.exec(text) ?? /\b(urgent|critical)\b/i.exec(text);
  if (level) args.priority = priorityOf(level[1]!)!;
  const tags = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]+)|\b(?:tagged(?:\s+(?:with|as))?|with\s+(?:the\s+)?tag|tag:)\s*#?([\p{L}\p{N}_-]+)/giu)].map((m) => (m[1] ?? m[2])!);
  if (tags.length > 0) args.tag = tags.join(',');

  const about = /\b(?:about|matching|containing|called|named|mentioning)\s+["“]?(.+?)["”]?$/i.exec(text);
  const find = /^(?:find|search(?:\s+for)?|look\s+for)\s+(?:tasks?\s+)?["“]?(.+?)["”]?$/i.exec(text);
  const filtered = Object.keys(args).length > 0;
  // "show my work tasks": one word before "tasks" that names no filter is searched for.
  const kind = /^(?:show|list|display|get|give\s+me)\s+(?:me\s+)?(?:my|the|all)\s+([\p{L}\p{N}_-]+)\s+(?:tasks?|todos?)$/iu.exec(text)?.[1];
  const named = kind && !filterWords.test(kind) ? kind : undefined;
  const q = about?.[1] ?? (!filtered ? (find?.[1] ?? named) : undefined);
  if (q && /[\p{L}\p{N}]/u.test(q)) args.q = q.replace(/^the\s+/i, '');
  // A number, as the declared parameters schema says (the HTTP query's string would do for zod alone).
  return act({ tool: 'list_tasks', args: { ...args, sort: 'due_at', limit: 20 } });
}
