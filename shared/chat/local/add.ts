import { TZDate } from '@date-fns/tz';
import { addDays, set } from 'date-fns';
import { firstOccurrence, takePriority, takeReminderOffset, takeRule, takeTags } from './phrases.ts';
import { type ParseContext, type Plan, act, ask, reply } from './plan.ts';
import { today, weekdayPattern } from './calendar.ts';
import { isoIn, resolve, takeWhen } from './time.ts';
import { formatWhen, quote } from '../wording.ts';

// "add pay rent on the 1st of every month, remind me a day before": a new task with the repeat
// rule and reminders said with it, in one add_task call (one transaction, like POST /api/tasks).
// Without a verb, a message with a date, a repeat, a tag or a priority is a task too.

// "add a note to X: ..." and the like change a task rather than add one.
const addVerb =
  /^(?!add\s+(?:an?\s+)?(?:note|tag|reminder|due\s+date)s?\s+(?:to|for|on)\b|add\s+(?:#[\w-]+[\s,]*)+to\b)(?:add|create|todo|to-do|note\s+down|jot\s+down|new(?=\s+(?:task|todo|to-do|item)\b))\b[:\s]*(?:(?:an?|another)\s+(?=(?:new\s+)?(?:task|todo|to-do|item)\b))?(?:new\s+(?=(?:task|todo|to-do|item)\b))?(?:(?:task|todo|to-do|item)\b[:\s]*)?(?:(?:to|that|called|named)\s+)?(.*)$/i;
const otherAdd = /^(remind\s+me\s+to|remember\s+to|i\s+(?:need|have|must|should|gotta)\s+to|i\s+(?:must|should)(?=\s)|i\s+gotta|don'?t\s+(?:let\s+me\s+)?forget\s+to)\s+(.+)$/i;

// A message opening like a command or a question is never a task without a verb.
const commandStart =
  /^(?:move|reschedule|postpone|push|defer|shift|delay|rename|retitle|change|set(?!\s+up\b)|mark|tag|untag|remove|clear|drop|delete|trash(?!\s+(?:every|each|on|daily|weekly)\b)|erase|get\s+rid|remind|no|cancel|stop|don'?t|do\s+(?:i|we|not)|does|repeat|add|done|finished|completed|check\s+off|tick\s+off|cross\s+off|i|i'?ve|reopen|re-open|uncomplete|unfinish|prioriti[sz]e|deprioriti[sz]e|describe|note\s+on|show|list|display|find|search|look|what|what's|whats|when|which|who|how|why|is|are|can|could|undo)\b/i;
const changeShape =
  /\b(?:is|are)\s+(?:now\s+)?(?:due|done|finished|complete|completed)\b|\b(?:repeats?|recurs?)\b|^make\s+(?:it|that|this)\b|^make\s.+\s(?:low|medium|normal|high|critical|urgent|top)(?:[\s-]+priority)?$/i;

// Date-like words left in a title after the date was read: "call bob monday or tuesday".
const dateLike = new RegExp(
  `\\b(?:tomorrow|today|tonight|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thurs|fri|january|february|april|june|july|august|september|october|november|december|\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)|\\d{1,2}:\\d{2}|\\d{1,2}(?:st|nd|rd|th)|\\d{1,2}[/.]\\d{1,2}|(?:after|before|at|by|around|till|until)\\s+\\d{1,2})\\b`,
  'i',
);

/** What is left of the text once dates and the rest are taken: connectors and punctuation at the ends go too. */
export function cleanTitle(text: string): string {
  let title = text.replace(/\s+/g, ' ').replace(/\s+([,;:.!?])/g, '$1').trim();
  for (let before = ''; before !== title; ) {
    before = title;
    title = title
      .replace(/^(?:to|that|and|:|-|,)\s*/i, '')
      .replace(/[\s,;:.!?-]+$/, '')
      .replace(/\s+(?:on|at|by|due|for|in|from|and|with|every|starting|until|till|before|it'?s|its|is)$/i, '')
      .trim();
  }
  // "by groceries": a title never opens with "by"; it is "buy" misspelled.
  return title.replace(/^["“'‘](.*)["”'’]$/u, '$1').replace(/^by\s+(?=\w)/i, 'buy ').trim();
}

interface Read {
  plan: Plan;
  /** Whether the text had a date, a repeat, a tag or a priority: what makes a verbless message a task. */
  signal: boolean;
}

function readTask(body: string, ctx: ParseContext, remindAtDue: boolean): Read {
  const offset = takeReminderOffset(body);
  body = offset.rest;
  let remindAt: Date | undefined;
  const clause = /[,;]?\s*(?:and\s+)?remind\s+me\s+(.+)$/i.exec(body);
  if (clause) {
    const at = takeWhen(clause[1]!, ctx);
    if (at.when && at.rest.replace(/^(?:at|on)\b/i, '').trim() === '') {
      remindAt = resolve(at.when, ctx);
      body = body.slice(0, clause.index);
    }
  }
  const second = new RegExp(`\\bevery\\s+(?:second|2nd)\\s+(${weekdayPattern})\\b`, 'i').exec(body);
  const rule = takeRule(body);
  const priority = takePriority(rule.rest);
  const tags = takeTags(priority.rest);
  const when = takeWhen(tags.rest, ctx);
  const title = cleanTitle(when.rest);
  const signal = Boolean(rule.value || priority.value || tags.value || when.when || offset.value || remindAt);
  const done = (plan: Plan): Read => ({ plan, signal });
  if (!title) return done(reply('What should the task be called? For example: “add call mom tomorrow 5pm”.'));

  const timed = when.when && (when.when.day || when.when.instant);
  const dueDate = rule.value && !timed ? firstOccurrence(rule.value, ctx, when.when?.time) : when.when ? resolve(when.when, ctx) : undefined;
  const due = dueDate ? isoIn(dueDate, ctx.timeZone) : undefined;
  if (offset.value && !due) return done(reply(`A reminder before the due time needs one: say when ${quote(title)} is due.`));
  if (remindAtDue && !due && !remindAt) return done(reply(`When should I remind you? For example: “remind me to ${title} tomorrow at 9”.`));

  const reminderAt = remindAt ?? (remindAtDue && dueDate ? dueDate : undefined);
  const args = (dueAt: Date | undefined, at: Date | undefined) => {
    const reminders = [...(offset.value ? [{ offset: offset.value }] : []), ...(at ? [{ at: isoIn(at, ctx.timeZone) }] : [])];
    return {
      title,
      ...(priority.value ? { priority: priority.value } : {}),
      ...(dueAt ? { due_at: isoIn(dueAt, ctx.timeZone) } : {}),
      ...(tags.value ? { tags: tags.value } : {}),
      ...(rule.value ? { recurrence: { ...rule.value, timezone: ctx.timeZone } } : {}),
      ...(reminders.length > 0 ? { reminders } : {}),
    };
  };
  const add = (dueAt: Date | undefined, at: Date | undefined) => ({ tool: 'add_task' as const, args: args(dueAt, at) });

  if (second && rule.value) {
    const day = second[1]!;
    const nth = { freq: 'monthly', by_weekday: [`2${rule.value.by_weekday![0]}`], timezone: ctx.timeZone };
    const monthly = { ...add(dueDate, reminderAt), args: { ...args(firstOccurrence({ freq: 'monthly', by_weekday: nth.by_weekday }, ctx, when.when?.time), reminderAt), recurrence: nth } };
    return done(ask(`Every other ${day}, or the second ${day} of each month?`, [
      { label: `every other ${day}`, actions: [add(dueDate, reminderAt)] },
      { label: `the second ${day} of each month`, actions: [monthly] },
    ]));
  }
  // A date or a reminder in the past is said back, with the same time tomorrow offered instead.
  const now = ctx.now.getTime();
  const past = [dueDate, reminderAt].find((d) => d && d.getTime() <= now);
  if (past && !rule.value) {
    const tomorrow = (d: Date | undefined) => d && set(addDays(today(ctx), 1), { hours: new TZDate(d, ctx.timeZone).getHours(), minutes: new TZDate(d, ctx.timeZone).getMinutes() });
    const when = formatWhen(isoIn(past, ctx.timeZone), ctx.timeZone);
    return done(ask(`${when} is in the past. Add ${quote(title)} for tomorrow at the same time instead?`, [{ label: 'tomorrow', actions: [add(tomorrow(dueDate), tomorrow(reminderAt))] }]));
  }
  const leftover = dateLike.exec(title);
  if (leftover && !due) {
    return done(ask(`Add ${quote(title)} with no due date? “${leftover[0]}” reads like a date: say the day in full for a due date.`, [{ label: quote(title), actions: [add(undefined, reminderAt)] }]));
  }
  if (leftover) {
    const verbatim = cleanTitle(body.replace(/\s+/g, ' '));
    const read = due ? `due ${formatWhen(due, ctx.timeZone)}` : 'with no due date';
    return done(ask(`Is “${leftover[0]}” part of the title? I read ${quote(title)}, ${read}.`, [
      { label: `${quote(title)}, ${read}`, actions: [add(dueDate, reminderAt)] },
      { label: `${quote(verbatim)} with no due date`, actions: [{ tool: 'add_task', args: { title: verbatim } }] },
    ]));
  }
  return done(act(add(dueDate, reminderAt)));
}

export function parseAdd(text: string, ctx: ParseContext): Plan | null {
  const add = addVerb.exec(text);
  const other = add ? null : otherAdd.exec(text);
  if (!add && !other) return null;
  const remindAtDue = other ? /^remind/i.test(other[1]!) : false;
  return readTask(add ? add[1]! : other![2]!, ctx, remindAtDue).plan;
}

/** A message without a verb that still reads as a task: "stand-up every weekday at 9 #work". */
export function readsLikeTask(text: string, ctx: ParseContext): Plan | null {
  if (commandStart.test(text) || changeShape.test(text) || !/\p{L}{2}/u.test(text)) return null;
  const read = readTask(text, ctx, false);
  return read.signal ? read.plan : null;
}
