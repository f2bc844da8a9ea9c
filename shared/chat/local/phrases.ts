import { TZDate } from '@date-fns/tz';
import { addDays, lastDayOfMonth, set } from 'date-fns';
import type { Priority } from '../../domain/task.ts';
import { type Clock, type Time, amount, amountPattern, nextMonthDay, today, weekdayIndex, weekdayPattern } from './calendar.ts';
import { defaultTime } from './time.ts';

// The parts of a message besides its dates: priority ("high", "!!", "p1"), tags ("#work"), a
// reminder offset ("remind me a day before") and a repeat rule ("every weekday", "on the 1st of
// every month"). Each `take` returns what it found and the text without it.

interface Taken<T> {
  value: T | undefined;
  rest: string;
}

const cut = (text: string, m: RegExpExecArray): string => `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();

const levels: Record<string, Priority> = { low: 'low', medium: 'medium', normal: 'medium', high: 'high', critical: 'critical', urgent: 'critical', top: 'critical' };
export const levelPattern = Object.keys(levels).join('|');
export const priorityOf = (word: string): Priority | undefined => levels[word.toLowerCase()];

const priorityMatchers: [RegExp, (m: RegExpExecArray) => Priority | undefined][] = [
  [/\b(?:p([1-4]))\b/i, (m) => (['critical', 'high', 'medium', 'low'] as const)[Number(m[1]) - 1]],
  [new RegExp(`\\b(?:with\\s+|at\\s+|as\\s+)?(?:an?\\s+)?(${levelPattern})[\\s-]+priority\\b`, 'i'), (m) => priorityOf(m[1]!)],
  [new RegExp(`\\bpriority\\s*:?\\s*(${levelPattern})\\b`, 'i'), (m) => priorityOf(m[1]!)],
  [/(?:^|\s)(!{1,3})(?=\s|$)/, (m) => (m[1]!.length === 3 ? 'critical' : 'high')],
  [/[,;]?\s*\b(?:(?:it'?s|it\s+is)\s+)?(?:not\s+urgent|no\s+rush)\b/i, () => 'low'],
  // "it's urgent", "asap", "very important": the words around go with it, so no debris stays in the title.
  [/[,;]?\s*(?<!#)\b(?:(?:it'?s|it\s+is|this\s+is|that'?s)\s+)?(?:very\s+|super\s+|really\s+)?(?:urgent(?:ly)?|asap|a\.s\.a\.p\.?)\b/i, () => 'critical'],
  [/[,;]?\s*(?<!#)\b(?:(?:it'?s|it\s+is|this\s+is)\s+)?(?:very\s+|super\s+|really\s+)?important\b/i, () => 'high'],
];

export function takePriority(text: string): Taken<Priority> {
  for (const [pattern, read] of priorityMatchers) {
    const m = pattern.exec(text);
    if (m) return { value: read(m), rest: cut(text, m) };
  }
  return { value: undefined, rest: text };
}

export function takeTags(text: string): Taken<string[]> {
  const tags = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]+)/gu)].map((m) => m[1]!);
  const rest = text.replace(/(?:^|\s)#[\p{L}\p{N}_-]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return { value: tags.length > 0 ? tags : undefined, rest };
}

/** An ISO 8601 duration for "30 minutes", "2 hours", "a day", "1 week". */
export function duration(n: number, unit: string): string {
  const u = unit.toLowerCase();
  if (u.startsWith('min')) return `PT${n}M`;
  if (u.startsWith('h')) return `PT${n}H`;
  if (u.startsWith('w')) return `P${n}W`;
  return `P${n}D`;
}

const offsetPattern = `(${amountPattern})\\s+(minutes?|mins?|hours?|hrs?|days?|weeks?)\\s+(?:before|earlier|ahead)`;

/** "remind me a day before", "with a reminder 30 minutes before": an offset before the due time. */
export function takeReminderOffset(text: string): Taken<string> {
  const m = new RegExp(`[,;]?\\s*(?:and\\s+)?(?:remind\\s+me|with\\s+a\\s+reminder|reminder)\\s+${offsetPattern}\\b`, 'i').exec(text);
  return m ? { value: duration(amount(m[1]!), m[2]!), rest: cut(text, m) } : { value: undefined, rest: text };
}

export const readOffset = (text: string): string | undefined => {
  const m = new RegExp(`^${offsetPattern}$`, 'i').exec(text.trim());
  return m ? duration(amount(m[1]!), m[2]!) : undefined;
};

/** The repeat rule a message asks for, in the recurrence engine's shape (RFC 5545 names). */
export interface Rule {
  freq: 'daily' | 'weekly' | 'monthly' | 'yearly';
  interval?: number;
  by_weekday?: string[];
  by_month_day?: number[];
}

// After "every", "wed", "sat" and "sun" are days too (alone they are words of titles).
const listDay = `${weekdayPattern}|wed|sat|sun`;
const weekdayList = new RegExp(`\\b(?:every|each|on)\\s+((?:${listDay})s?(?:\\s*(?:,|and|&)\\s*(?:${listDay})s?)*)\\b`, 'i');
const codes = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const unitFreq = (unit: string): Rule['freq'] =>
  ({ d: 'daily', w: 'weekly', m: 'monthly', y: 'yearly', a: 'yearly' } as const)[unit.toLowerCase()[0] as 'd' | 'w' | 'm' | 'y' | 'a'];
const dayWords: Record<string, number> = { first: 1, second: 2, third: 3, fifteenth: 15, last: -1 };
const monthDay = (word: string) => (/last/i.test(word) ? -1 : (dayWords[word.toLowerCase()] ?? Number(word)));

const nths: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: -1 };
const nthPattern = Object.keys(nths).join('|');
const dayCode = (name: string) => codes[weekdayIndex(name)]!;

const ruleMatchers: [RegExp, (m: RegExpExecArray) => Rule][] = [
  // "the first monday of every month", "every last friday of the month" (RFC 5545 BYDAY 1MO, -1FR).
  [
    new RegExp(`\\b(?:on\\s+)?(?:every\\s+|each\\s+)?(?:the\\s+)?(${nthPattern})\\s+(${weekdayPattern})\\s+(?:of\\s+|in\\s+)?(?:every|each|the|a)\\s+month\\b`, 'i'),
    (m) => ({ freq: 'monthly', by_weekday: [`${nths[m[1]!.toLowerCase()]}${dayCode(m[2]!)}`] }),
  ],
  [
    new RegExp(`\\b(?:every|each)\\s+month\\s+on\\s+the\\s+(${nthPattern})\\s+(${weekdayPattern})\\b`, 'i'),
    (m) => ({ freq: 'monthly', by_weekday: [`${nths[m[1]!.toLowerCase()]}${dayCode(m[2]!)}`] }),
  ],
  [new RegExp(`\\bevery\\s+(?:other|second|2nd)\\s+(${weekdayPattern})\\b`, 'i'), (m) => ({ freq: 'weekly', interval: 2, by_weekday: [dayCode(m[1]!)] })],
  [new RegExp(`\\bevery\\s+(${amountPattern})\\s+weeks\\s+on\\s+(${weekdayPattern})\\b`, 'i'), (m) => withInterval('weekly', amount(m[1]!), [dayCode(m[2]!)])],
  [/\b(?:on\s+)?the\s+(last\s+day|first|second|third|fifteenth|\d{1,2}(?=st|nd|rd|th))(?:st|nd|rd|th)?\s+of\s+(?:every|each|the)\s+month\b/i, (m) => ({ freq: 'monthly', by_month_day: [monthDay(m[1]!)] })],
  [/\b(?:every|each)\s+month\s+on\s+the\s+(last\s+day|\d{1,2})(?:st|nd|rd|th)?\b/i, (m) => ({ freq: 'monthly', by_month_day: [monthDay(m[1]!)] })],
  [/\bmonthly\s+on\s+the\s+(last\s+day|\d{1,2})(?:st|nd|rd|th)?\b/i, (m) => ({ freq: 'monthly', by_month_day: [monthDay(m[1]!)] })],
  [/\b(?:(?:every|each)\s+weekday|on\s+weekdays|weekdays)\b/i, () => ({ freq: 'weekly', by_weekday: ['MO', 'TU', 'WE', 'TH', 'FR'] })],
  [
    weekdayList,
    (m) => ({ freq: 'weekly', by_weekday: [...new Set(m[1]!.split(/\s*(?:,|and|&)\s*/i).map((d) => codes[weekdayIndex(d)]!))] }),
  ],
  [/\bevery\s+other\s+(day|week|month|year)\b/i, (m) => ({ freq: unitFreq(m[1]!), interval: 2 })],
  [new RegExp(`\\bevery\\s+(${amountPattern})\\s+(days|weeks|months|years)\\b`, 'i'), (m) => withInterval(unitFreq(m[2]!), amount(m[1]!))],
  [/\b(?:every|each)\s+(day|week|month|year)\b/i, (m) => ({ freq: unitFreq(m[1]!) })],
  [/\b(?:every|each)\s+(?=(?:morning|afternoon|evening|night)\b)/i, () => ({ freq: 'daily' })],
  [/\b(daily|weekly|monthly|yearly|annually)\b/i, (m) => ({ freq: unitFreq(m[1]!) })],
];

const withInterval = (freq: Rule['freq'], interval: number, by_weekday?: string[]): Rule => ({
  freq,
  ...(interval === 1 ? {} : { interval }),
  ...(by_weekday ? { by_weekday } : {}),
});

/** A weekday list is only a repeat rule after "every"/"each", or "on mondays": a lone "on monday" is a date. */
export function takeRule(text: string): Taken<Rule> {
  for (const [pattern, read] of ruleMatchers) {
    const m = pattern.exec(text);
    if (!m) continue;
    if (/^on\s/i.test(m[0].trim()) && pattern === weekdayList && !/days\b/i.test(m[1]!)) continue;
    // "every morning", "every tuesday night": the part of the day stays, to be read as the time ("in the night").
    const after = text.slice(m.index + m[0].length);
    const part = /^\s*(morning|afternoon|evening|night)\b/i.exec(after);
    const rest = part ? `${text.slice(0, m.index)} in the ${part[1]}${after.slice(part[0].length)}` : cut(text, m);
    return { value: read(m), rest: rest.replace(/\s+/g, ' ').trim() };
  }
  return { value: undefined, rest: text };
}

/** Whether a day is a BYDAY entry's: "TU" any Tuesday, "1MO" the first Monday of its month, "-1FR" the last Friday. */
function onWeekday(entry: string, day: TZDate): boolean {
  const [, nth = '0', code] = /^(-?\d)?([A-Z]{2})$/.exec(entry)!;
  if (codes[day.getDay()] !== code) return false;
  const n = Number(nth);
  if (n === 0) return true;
  const date = day.getDate();
  return n > 0 ? Math.ceil(date / 7) === n : date + 7 * -n > lastDayOfMonth(day).getDate() && date + 7 * (-n - 1) <= lastDayOfMonth(day).getDate();
}

/** The first occurrence of a rule after now, at the given time of day: the due time of a new repeating task. */
export function firstOccurrence(rule: Rule, clock: Clock, time: Time = defaultTime): Date {
  const now = new TZDate(clock.now, clock.timeZone);
  const at = (day: TZDate) => set(day, { hours: time.hours, minutes: time.minutes, seconds: 0, milliseconds: 0 });
  const start = today(clock);
  for (let i = 0; i < 400; i++) {
    const day = addDays(start, i);
    const candidate = at(day);
    if (candidate <= now) continue;
    if (rule.by_weekday && !rule.by_weekday.some((entry) => onWeekday(entry, day))) continue;
    if (rule.by_month_day && nextMonthDay(day, rule.by_month_day[0]!).getTime() !== day.getTime()) continue;
    return candidate;
  }
  return at(addDays(start, 1));
}
