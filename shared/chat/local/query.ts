import { addDays } from 'date-fns';
import { priorityOf } from './phrases.ts';
import { type ParseContext, type Plan, act } from './plan.ts';
import { isoIn, nextWeekday, today } from './time.ts';

// "what is overdue?", "what's due this week", "show high priority tasks #work", "find rent": a
// list_tasks call with the filters of GET /api/tasks, soonest due first.

const listVerb = /^(?:show|list|display|give|get|find|search|look|overdue|my\s+tasks|tasks|todos?)\b/i;
const question = /^(?:what|what's|whats|which|any|anything|do\s+i|how\s+many|is\s+there|are\s+there|is|are)\b/i;
const aboutTasks = /\b(?:tasks?|todos?|to\s+do|overdue|late|due|have|left|pending|open|completed|done|finished|priority|urgent|critical)\b|#/i;

export function parseList(text: string, asked: boolean, ctx: ParseContext): Plan | null {
  // A question lists tasks only when it is about tasks: "what is the meaning of life?" is not.
  if (!listVerb.test(text) && !((question.test(text) || asked) && aboutTasks.test(text))) return null;
  const args: Record<string, string> = {};
  const completed = /\b(?:completed|done|finished)\b/i.test(text);
  if (completed) args.status = 'completed';
  else if (/\ball\b/i.test(text)) args.status = 'all';
  if (/\b(?:overdue|late|past\s+due)\b/i.test(text)) args.overdue = 'true';

  const start = today(ctx);
  const range = (from: Date, to: Date) => {
    args.due_after = isoIn(from, ctx.timeZone);
    args.due_before = isoIn(to, ctx.timeZone);
  };
  if (/\btoday\b/i.test(text)) range(start, addDays(start, 1));
  else if (/\btomorrow\b/i.test(text)) range(addDays(start, 1), addDays(start, 2));
  else if (/\bthis\s+week\b/i.test(text)) range(start, nextWeekday(start, 1));
  else if (/\bnext\s+week\b/i.test(text)) range(nextWeekday(start, 1), addDays(nextWeekday(start, 1), 7));

  const level = /\b(low|medium|normal|high|critical|urgent|top)[\s-]+priority\b/i.exec(text) ?? /\b(urgent|critical)\b/i.exec(text);
  if (level) args.priority = priorityOf(level[1]!)!;
  const tags = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]+)/gu)].map((m) => m[1]!);
  if (tags.length > 0) args.tag = tags.join(',');

  const about = /\b(?:about|matching|containing|called|named|mentioning)\s+["“]?(.+?)["”]?$/i.exec(text);
  const find = /^(?:find|search(?:\s+for)?|look\s+for)\s+(?:tasks?\s+)?["“]?(.+?)["”]?$/i.exec(text);
  const filtered = Object.keys(args).length > 0;
  const q = about?.[1] ?? (!filtered ? find?.[1] : undefined);
  if (q && /[\p{L}\p{N}]/u.test(q)) args.q = q.replace(/^the\s+/i, '');
  return act({ tool: 'list_tasks', args: { ...args, sort: 'due_at', limit: '20' } });
}
