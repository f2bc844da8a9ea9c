import { TZDate } from '@date-fns/tz';
import { addDays, addMinutes, addMonths, addWeeks, set, startOfDay } from 'date-fns';
import type { Planned } from '../messages.ts';
import { cleanTitle } from './add.ts';
import { type Candidate, matchTask } from './match.ts';
import { levelPattern, priorityOf, readOffset, takeRule } from './phrases.ts';
import { type Plan, type WithTasks, onTask, reply } from './plan.ts';
import { type When, amount, amountPattern, nextWeekday, today } from './calendar.ts';
import { isoIn, resolve, takeWhen } from './time.ts';
import { quote } from '../wording.ts';

// Changes to a task named by words of its title: done, reopen, delete, rename, move, priority,
// tags, note, reminders, repeat. Each pattern reads the reference and the new value.

type Rule = [RegExp, (m: RegExpExecArray, ctx: WithTasks) => Plan];

const open = (ctx: WithTasks) => ctx.tasks.filter((t) => !t.completed);
const done = (ctx: WithTasks) => ctx.tasks.filter((t) => t.completed);

const update = (changes: Record<string, unknown>) => (task_id: string): Planned[] => [{ tool: 'update_task', args: { task_id, changes } }];
const complete = (completed: boolean) => (task_id: string): Planned[] => [{ tool: 'complete_task', args: { task_id, completed } }];
const remind = (reminders: unknown[]) => (task_id: string): Planned[] => [{ tool: 'set_reminder', args: { task_id, reminders } }];

/** Any task, but open ones first: "delete dentist" means the open one when a done one shares the word. */
const onAny = (ref: string, ctx: WithTasks, calls: (id: string) => Planned[]): Plan =>
  onTask(ref, matchTask(ref, open(ctx)).kind === 'none' ? ctx.tasks : open(ctx), ctx, calls);

const readsAsDate = (phrase: string, ctx: WithTasks) => {
  const { when, rest } = takeWhen(phrase, ctx);
  return when && rest.replace(/^(?:on|at)\b/i, '').trim() === '' ? when : null;
};

/**
 * A new due time for "move X to friday": the whole phrase must be a date, or nothing changes. A new
 * day keeps the task's time of day, a new time keeps its day, and "next week" moves it a week on.
 */
function moveTo(ref: string, phrase: string, ctx: WithTasks): Plan {
  if (/^(?:the\s+)?next\s+week$/i.test(phrase.trim())) return onAny(ref, ctx, (id) => update({ due_at: isoIn(weekLater(id, ctx), ctx.timeZone) })(id));
  const when = readsAsDate(phrase, ctx);
  if (!when) return reply(`I could not read ${quote(phrase)} as a date or time.`);
  return onAny(ref, ctx, (id) => {
    const due = dueOf(id, ctx);
    let target: When = when;
    if (due && !when.instant && when.day && !when.time) target = { ...when, time: { hours: due.getHours(), minutes: due.getMinutes() } };
    if (due && !when.instant && !when.day && when.time) target = { ...when, day: startOfDay(due) };
    return update({ due_at: isoIn(resolve(target, ctx), ctx.timeZone) })(id);
  });
}

const dueOf = (id: string, ctx: WithTasks) => {
  const task = ctx.tasks.find((t) => t.id === id) as Candidate;
  return task.due_at ? new TZDate(new Date(task.due_at), ctx.timeZone) : undefined;
};

/** A week after its due time, never earlier than next week: an overdue task lands in the coming week, at its time of day. */
function weekLater(id: string, ctx: WithTasks): Date {
  const due = dueOf(id, ctx);
  const monday = nextWeekday(today(ctx), 1);
  if (!due) return resolve({ day: monday }, ctx);
  const later = addWeeks(due, 1);
  return later >= monday ? later : set(monday, { hours: due.getHours(), minutes: due.getMinutes() });
}

/** "change team sync to 3pm" moves it; "change X to something" that is no date asks rather than renames. */
function changeTo(ref: string, phrase: string, ctx: WithTasks): Plan {
  if (readsAsDate(phrase, ctx)) return moveTo(ref, phrase, ctx);
  return reply(`Should ${quote(ref)} be renamed ${quote(cleanTitle(phrase))}? Say “rename ${ref} to ${cleanTitle(phrase)}”.`);
}

/** "postpone X by 2 days": from its due time, or from now when it has none; calendar days keep the wall-clock time. */
function shift(ref: string, n: number, unit: string, ctx: WithTasks): Plan {
  return onAny(ref, ctx, (id) => {
    const task = ctx.tasks.find((t) => t.id === id) as Candidate;
    const from = new TZDate(task.due_at ? new Date(task.due_at) : ctx.now, ctx.timeZone);
    const u = unit.toLowerCase();
    const to = u.startsWith('min') ? addMinutes(from, n) : u.startsWith('h') ? addMinutes(from, n * 60) : u.startsWith('w') ? addWeeks(from, n) : u.startsWith('mo') ? addMonths(from, n) : addDays(from, n);
    return update({ due_at: isoIn(to, ctx.timeZone) })(id);
  });
}

const tagList = (text: string) => {
  const hashed = [...text.matchAll(/#([\p{L}\p{N}_-]+)/gu)].map((m) => m[1]!);
  return hashed.length > 0 ? hashed : text.split(/\s*(?:,|\band\b|&)\s*/i).map((t) => t.trim()).filter(Boolean);
};

const retag = (ref: string, names: string[], ctx: WithTasks, add: boolean): Plan =>
  onAny(ref, ctx, (id) => {
    const current = (ctx.tasks.find((t) => t.id === id) as Candidate).tags;
    const lower = new Set(names.map((n) => n.toLowerCase()));
    const tags = add ? [...current, ...names.filter((n) => !current.some((c) => c.toLowerCase() === n.toLowerCase()))] : current.filter((c) => !lower.has(c.toLowerCase()));
    return update({ tags })(id);
  });

const moveVerb = '(?:move|reschedule|postpone|push|defer|shift|delay)';
const offsetBefore = `(?:${amountPattern})\\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\\s+(?:before|earlier|ahead)`;

const rules: Rule[] = [
  [/^(?:reopen|re-open|uncomplete|unfinish|undo\s+done\s+(?:on|for))\s+(.+)$/i, (m, c) => onTask(m[1]!, done(c), c, complete(false), 'done')],
  [/^mark\s+(.+?)\s+(?:as\s+)?(?:not\s+done|undone|open|incomplete|not\s+finished)$/i, (m, c) => onTask(m[1]!, done(c), c, complete(false), 'done')],
  [/^(?:rename|retitle)\s+(.+?)\s+(?:to|as)\s+(.+)$/i, (m, c) => onAny(m[1]!, c, update({ title: cleanTitle(m[2]!) }))],
  [/^change\s+(?:the\s+)?(?:title|name)\s+of\s+(.+?)\s+to\s+(.+)$/i, (m, c) => onAny(m[1]!, c, update({ title: cleanTitle(m[2]!) }))],
  [/^(?:remove|clear|drop|delete)\s+(?:the\s+)?(?:due\s+(?:date|time)|deadline)\s+(?:of|from|on|for)\s+(.+)$/i, (m, c) => onAny(m[1]!, c, update({ due_at: null }))],
  [new RegExp(`^${moveVerb}\\s+(.+?)\\s+by\\s+(${amountPattern})\\s+(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)$`, 'i'), (m, c) => shift(m[1]!, amount(m[2]!), m[3]!, c)],
  [new RegExp(`^${moveVerb}\\s+(.+?)\\s+(?:to|until|till|for)\\s+(.+)$`, 'i'), (m, c) => moveTo(m[1]!, m[2]!, c)],
  [/^(?:set|change)\s+(?:the\s+)?(?:due\s+(?:date|time)|deadline)\s+(?:of|for)\s+(.+?)\s+to\s+(.+)$/i, (m, c) => moveTo(m[1]!, m[2]!, c)],
  [/^(.+?)\s+is\s+(?:now\s+)?due\s+(.+)$/i, (m, c) => moveTo(m[1]!, m[2]!, c)],
  [new RegExp(`^(?:set|change)\\s+(?:the\\s+)?priority\\s+(?:of|for|on)\\s+(.+?)\\s+to\\s+(${levelPattern})$`, 'i'), (m, c) => onAny(m[1]!, c, update({ priority: priorityOf(m[2]!) }))],
  [new RegExp(`^(?:make|set|mark)\\s+(.+?)\\s+(?:as\\s+|to\\s+)?(?:an?\\s+)?(${levelPattern})(?:[\\s-]+priority)?$`, 'i'), (m, c) => onAny(m[1]!, c, update({ priority: priorityOf(m[2]!) }))],
  [/^(?:change|set|update)\s+(?!(?:the\s+)?(?:title|name|priority|due|deadline)\b)(.+?)\s+to\s+(.+)$/i, (m, c) => changeTo(m[1]!, m[2]!, c)],
  [/^prioriti[sz]e\s+(.+)$/i, (m, c) => onAny(m[1]!, c, update({ priority: 'high' }))],
  [/^deprioriti[sz]e\s+(.+)$/i, (m, c) => onAny(m[1]!, c, update({ priority: 'low' }))],
  [/^tag\s+(.+?)\s+(?:with|as)\s+(.+)$/i, (m, c) => retag(m[1]!, tagList(m[2]!), c, true)],
  [/^(?:tag|label)\s+(.+?)\s+((?:#[\p{L}\p{N}_-]+[\s,]*)+)$/iu, (m, c) => retag(m[1]!, tagList(m[2]!), c, true)],
  [/^add\s+((?:#[\p{L}\p{N}_-]+[\s,]*)+)\s+to\s+(.+)$/iu, (m, c) => retag(m[2]!, tagList(m[1]!), c, true)],
  [/^(?:untag|remove\s+(?:the\s+)?tags?)\s+(.+?)\s+from\s+(.+)$/i, (m, c) => retag(m[2]!, tagList(m[1]!), c, false)],
  [/^(?:add\s+(?:a\s+)?note\s+to|note\s+on|describe)\s+(.+?):\s*(.+)$/i, (m, c) => onAny(m[1]!, c, update({ description: m[2]!.trim() }))],
  [new RegExp(`^remind\\s+me\\s+(?:about|of)\\s+(.+?)\\s+(${offsetBefore})$`, 'i'), (m, c) => onAny(m[1]!, c, remind([{ offset: readOffset(m[2]!) }]))],
  [new RegExp(`^remind\\s+me\\s+(${offsetBefore})$`, 'i'), (m, c) => onAny('it', c, remind([{ offset: readOffset(m[1]!) }]))],
  [/^remind\s+me\s+(?:about|of)\s+(.+)$/i, (m, c) => remindAt(m[1]!, c)],
  [/^(?:no|remove|clear|delete|cancel)\s+(?:the\s+|all\s+)?reminders?\s+(?:for|from|on|of)\s+(.+)$/i, (m, c) => onAny(m[1]!, c, remind([]))],
  [/^(?:stop\s+repeating|don'?t\s+repeat|do\s+not\s+repeat|no\s+longer\s+repeat)\s+(.+)$/i, (m, c) => onAny(m[1]!, c, (task_id) => [{ tool: 'set_recurrence', args: { task_id, recurrence: null } }])],
  [/^repeat\s+(.+?)\s+((?:every|each|daily|weekly|monthly|yearly|annually|on\s+the|on\s+weekdays).*)$/i, (m, c) => repeat(m[1]!, m[2]!, c)],
  [/^(?:make\s+)?(.+?)\s+(?:repeat|recur)s?\s+(.+)$/i, (m, c) => repeat(m[1]!, m[2]!, c)],
  [/^(?:i(?:'ve|\s+have)?\s+)?(?:done|finished|completed)(?:\s+(?:with\s+)?(.*))?$/i, (m, c) => onTask(m[1] ?? '', open(c), c, complete(true), 'open')],
  [/^i\s+did\s+(.+)$/i, (m, c) => onTask(m[1]!, open(c), c, complete(true), 'open')],
  [/^(?:complete|finish|check\s+off|tick\s+off|cross\s+off)\s+(.+)$/i, (m, c) => onTask(m[1]!, open(c), c, complete(true), 'open')],
  [/^mark\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$/i, (m, c) => onTask(m[1]!, open(c), c, complete(true), 'open')],
  [/^(.+?)\s+is\s+(?:done|finished|complete|completed)$/i, (m, c) => onTask(m[1]!, open(c), c, complete(true), 'open')],
  [/^(?:delete|remove|drop|trash|erase|get\s+rid\s+of|cancel)\s+(.+)$/i, (m, c) => onAny(m[1]!, c, (task_id) => [{ tool: 'delete_task', args: { task_id } }])],
];

function remindAt(phrase: string, ctx: WithTasks): Plan {
  const { when, rest } = takeWhen(phrase, ctx);
  if (!when) return reply(`When should I remind you? For example: “remind me about ${cleanTitle(phrase)} tomorrow at 9”.`);
  return onAny(cleanTitle(rest), ctx, remind([{ at: isoIn(resolve(when, ctx), ctx.timeZone) }]));
}

function repeat(ref: string, phrase: string, ctx: WithTasks): Plan {
  const rule = takeRule(phrase);
  if (!rule.value) return reply(`I could not read ${quote(phrase)} as a repeat rule; try “every monday” or “on the 1st of every month”.`);
  return onAny(ref, ctx, (task_id) => [{ tool: 'set_recurrence', args: { task_id, recurrence: { ...rule.value, timezone: ctx.timeZone } } }]);
}

export function parseChange(text: string, ctx: WithTasks): Plan | null {
  for (const [pattern, plan] of rules) {
    const m = pattern.exec(text);
    if (m) return plan(m, ctx);
  }
  return null;
}
