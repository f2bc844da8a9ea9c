import type { ChatAction } from './messages.ts';
import { formatWhen, quote } from './wording.ts';

// The assistant's reply from what its tool calls did, whichever model made them: short, and
// exactly what changed.

interface BriefTask {
  id: string;
  title: string;
  priority: string;
  due_at: string | null;
  tags: string[];
  completed: boolean;
  overdue: boolean;
}

const dayNames: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const nthNames: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' };
const units: Record<string, string> = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' };

const and = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

export function describeRule(rule: Record<string, unknown>): string {
  const days = rule.by_weekday as string[] | undefined;
  const monthDays = rule.by_month_day as number[] | undefined;
  const interval = (rule.interval as number | undefined) ?? 1;
  if (days?.join() === 'MO,TU,WE,TH,FR') return 'every weekday';
  const nth = days && /^(-?\d)([A-Z]{2})$/.exec(days[0]!);
  if (nth) return `on the ${nthNames[nth[1]!] ?? nth[1]} ${dayNames[nth[2]!]} of every month`;
  const every = interval === 1 ? 'every' : interval === 2 ? 'every other' : `every ${interval} weeks on`;
  if (days) return `${every} ${and(days.map((d) => dayNames[d] ?? d))}`;
  if (monthDays) return `monthly on ${monthDays[0] === -1 ? 'the last day' : `day ${monthDays[0]}`}`;
  const unit = units[rule.freq as string] ?? String(rule.freq);
  return interval === 1 ? `every ${unit}` : `every ${plural(interval, unit)}`;
}

export function describeOffset(iso: string): string {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return `${iso} before`;
  const parts = [[m[1], 'week'], [m[2], 'day'], [m[3], 'hour'], [m[4], 'minute']].filter(([n]) => n).map(([n, u]) => plural(Number(n), u!));
  return `${and(parts)} before`;
}

type Reminder = { offset?: string; at?: string };

const remindersText = (list: Reminder[], tz: string) =>
  `reminder${list.length > 1 ? 's' : ''} ${and(list.map((r) => (r.offset ? describeOffset(r.offset) : `at ${formatWhen(r.at!, tz)}`)))}`;

function details(t: BriefTask, tz: string): string {
  return [
    t.due_at ? `due ${formatWhen(t.due_at, tz)}` : '',
    t.priority !== 'medium' ? `${t.priority} priority` : '',
    t.tags.length > 0 ? t.tags.map((g) => `#${g}`).join(' ') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function changed(field: string, t: BriefTask, tz: string): string {
  if (field === 'title') return `title ${quote(t.title)}`;
  if (field === 'due_at') return t.due_at ? `due ${formatWhen(t.due_at, tz)}` : 'no due date';
  if (field === 'priority') return `${t.priority} priority`;
  if (field === 'tags') return t.tags.length > 0 ? `tags ${t.tags.map((g) => `#${g}`).join(' ')}` : 'no tags';
  return 'note updated';
}

const errorText = (a: ChatAction): string => {
  const e = a.result.error as { code: string; message: string };
  if (e.code === 'tool_limit') return `Stopped there: ${e.message}.`;
  if (e.code === 'not_found') return 'That task does not exist any more.';
  if (e.code === 'version_conflict') return 'That task changed meanwhile; nothing was done.';
  const what = a.tool === 'add_task' && typeof a.args.title === 'string' ? `add ${quote(a.args.title)}` : a.tool.replace('_', ' ').replace('task', 'the task');
  return `Could not ${what}: ${e.message.replace(/^body /, '')}.`;
};

function sentence(a: ChatAction, tz: string): string {
  if (a.result.error) return errorText(a);
  const task = a.result.task as BriefTask | undefined;
  switch (a.tool) {
    case 'add_task': {
      const rule = a.result.recurrence as Record<string, unknown> | undefined;
      const reminders = a.result.reminders as Reminder[] | undefined;
      const d = [details(task!, tz), rule ? `repeats ${describeRule(rule)}` : '', reminders ? remindersText(reminders, tz) : ''].filter(Boolean).join(', ');
      return `Added ${quote(task!.title)}${d ? `, ${d}` : ''}.`;
    }
    case 'list_tasks': {
      const items = a.result.items as BriefTask[];
      if (items.length === 0) return 'No tasks match.';
      const lines = items.map((t) => `- ${quote(t.title)}${t.due_at ? ` (due ${formatWhen(t.due_at, tz)}${t.overdue ? ', overdue' : ''})` : ''}${t.completed ? ' ✓' : ''}`);
      const page = a.args.cursor ? 'More: ' : '';
      const next = a.result.next_cursor ? ' (there are more: say “show more”)' : '';
      return `${page}${plural(items.length, 'task')}${next}:\n${lines.join('\n')}`;
    }
    case 'update_task': {
      const fields = Object.keys((a.args.changes as Record<string, unknown> | undefined) ?? {}).filter((f) => f !== 'version');
      return `Updated ${quote(task!.title)}: ${fields.map((f) => changed(f, task!, tz)).join(', ')}.`;
    }
    case 'complete_task':
      return task!.completed ? `Done: ${quote(task!.title)}.` : `Reopened ${quote(task!.title)}.`;
    case 'delete_task':
      return `Deleted ${quote((a.result.deleted as BriefTask).title)}.`;
    case 'set_reminder': {
      const list = a.args.reminders as Reminder[];
      return list.length === 0 ? `Removed the reminders of ${quote(task!.title)}.` : `R${remindersText(list, tz).slice(1)} for ${quote(task!.title)}.`;
    }
    case 'set_recurrence': {
      const rule = a.args.recurrence as Record<string, unknown> | null;
      return rule ? `${quote(task!.title)} repeats ${describeRule(rule)}.` : `${quote(task!.title)} no longer repeats.`;
    }
    default:
      return `${a.tool} done.`;
  }
}

export const describe = (actions: ChatAction[], timeZone: string): string =>
  actions.length === 0 ? 'Nothing to do.' : actions.map((a) => sentence(a, timeZone)).join(' ');
