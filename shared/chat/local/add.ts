import { firstOccurrence, takePriority, takeReminderOffset, takeRule, takeTags } from './phrases.ts';
import { type ParseContext, type Plan, act, reply } from './plan.ts';
import { isoIn, resolve, takeWhen } from './time.ts';
import { quote } from '../wording.ts';

// "add pay rent on the 1st of every month, remind me a day before": a new task with the repeat
// rule and reminders said with it, in one add_task call (one transaction, like POST /api/tasks).

// "add a note to X: ..." and the like change a task rather than add one.
const addVerb =
  /^(?!add\s+(?:an?\s+)?(?:note|tag|reminder|due\s+date)s?\s+(?:to|for|on)\b)(?:add|create|todo|to-do|note\s+down|jot\s+down|new(?=\s+(?:task|todo|to-do|item)\b))\b[:\s]*(?:(?:an?|another)\s+(?=(?:new\s+)?(?:task|todo|to-do|item)\b))?(?:new\s+(?=(?:task|todo|to-do|item)\b))?(?:(?:task|todo|to-do|item)\b[:\s]*)?(?:(?:to|that|called|named)\s+)?(.*)$/i;
const otherAdd = /^(remind\s+me\s+to|remember\s+to|i\s+(?:need|have|must)\s+to|don'?t\s+(?:let\s+me\s+)?forget\s+to)\s+(.+)$/i;

/** What is left of the text once dates and the rest are taken: connectors and punctuation at the ends go too. */
export function cleanTitle(text: string): string {
  let title = text.replace(/\s+/g, ' ').trim();
  for (let before = ''; before !== title; ) {
    before = title;
    title = title
      .replace(/^(?:to|that|and|:|-)\s+/i, '')
      .replace(/[\s,;:.!?-]+$/, '')
      .replace(/\s+(?:on|at|by|due|for|in|from|and|with|every|starting|until)$/i, '')
      .trim();
  }
  return title.replace(/^["“'‘](.*)["”'’]$/u, '$1').trim();
}

export function parseAdd(text: string, ctx: ParseContext): Plan | null {
  const add = addVerb.exec(text);
  const other = add ? null : otherAdd.exec(text);
  if (!add && !other) return null;
  const remindAtDue = other ? /^remind/i.test(other[1]!) : false;
  let body = add ? add[1]! : other![2]!;

  const offset = takeReminderOffset(body);
  body = offset.rest;
  let remindAt: string | undefined;
  const clause = /[,;]?\s*(?:and\s+)?remind\s+me\s+(.+)$/i.exec(body);
  if (clause) {
    const at = takeWhen(clause[1]!, ctx);
    if (at.when && at.rest.replace(/^(?:at|on)\b/i, '').trim() === '') {
      remindAt = isoIn(resolve(at.when, ctx), ctx.timeZone);
      body = body.slice(0, clause.index);
    }
  }
  const rule = takeRule(body);
  const priority = takePriority(rule.rest);
  const tags = takeTags(priority.rest);
  const when = takeWhen(tags.rest, ctx);
  const title = cleanTitle(when.rest);
  if (!title) return reply('What should the task be called? For example: “add call mom tomorrow 5pm”.');

  const timed = when.when && (when.when.day || when.when.instant);
  const dueDate = rule.value && !timed ? firstOccurrence(rule.value, ctx, when.when?.time) : when.when ? resolve(when.when, ctx) : undefined;
  const due = dueDate ? isoIn(dueDate, ctx.timeZone) : undefined;
  if (offset.value && !due) return reply(`A reminder before the due time needs one: say when ${quote(title)} is due.`);
  if (remindAtDue && !due && !remindAt) return reply(`When should I remind you? For example: “remind me to ${title} tomorrow at 9”.`);

  const reminders = [...(offset.value ? [{ offset: offset.value }] : []), ...(remindAt ? [{ at: remindAt }] : remindAtDue && due ? [{ at: due }] : [])];
  const args = {
    title,
    ...(priority.value ? { priority: priority.value } : {}),
    ...(due ? { due_at: due } : {}),
    ...(tags.value ? { tags: tags.value } : {}),
    ...(rule.value ? { recurrence: { ...rule.value, timezone: ctx.timeZone } } : {}),
    ...(reminders.length > 0 ? { reminders } : {}),
  };
  return act({ tool: 'add_task', args });
}
