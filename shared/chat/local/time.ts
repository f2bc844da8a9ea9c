import { TZDate } from '@date-fns/tz';
import { addDays, addMinutes, addMonths, addWeeks, lastDayOfMonth, set } from 'date-fns';
import { type Clock, type Time, type When, amount, amountPattern, at, dateOf, monthFirst, monthIndex, monthPattern, nextMonthDay, nextWeekday, today, weekdayIndex, weekdayPattern } from './calendar.ts';

// Dates and times in English, read in the user's time zone: "tomorrow 5pm", "next friday",
// "in 2 hours", "on the 1st", "june 5", "2026-12-01 at 9". Pure: the clock is an argument. Weekdays
// are never read from "sun", "sat" or "wed" alone: those are words in titles too.

interface Matcher {
  pattern: RegExp;
  read: (m: RegExpExecArray, clock: Clock) => When | null;
}

const clockTime = (h: number, min: number, meridiem?: string): Time | null => {
  let hours = h;
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    const pm = meridiem.toLowerCase().startsWith('p');
    hours = (h % 12) + (pm ? 12 : 0);
  }
  return hours <= 23 && min <= 59 ? { hours, minutes: min } : null;
};

// Words that lead into a date and go with it: "before jan 15", "by friday", "due tomorrow".
const lead = '(?:(?:on|by|due|before|until|till|no\\s+later\\s+than)\\s+)?';
// A part of the day said right after the day: "monday morning", "tomorrow evening".
const part = '(?:\\s+(morning|afternoon|evening|night))?';
const withPart = (day: TZDate, word: string | undefined): When => (word ? { day, time: partOfDay(word) } : { day });

const holidays: [RegExp, number, number][] = [
  [/christmas\s+eve|xmas\s+eve/, 11, 24],
  [/new\s+year'?s\s+eve|nye/, 11, 31],
  [/new\s+year'?s(?:\s+day)?/, 0, 1],
  [/christmas(?:\s+day)?|xmas/, 11, 25],
  [/halloween/, 9, 31],
  [/valentine'?s(?:\s+day)?/, 1, 14],
];
const holidayPattern = holidays.map(([p]) => p.source).join('|');

const dayMatchers: Matcher[] = [
  { pattern: new RegExp(`\\b${lead}(\\d{4})-(\\d{2})-(\\d{2})\\b`, 'i'), read: (m, c) => dateOf(c, Number(m[1]), Number(m[2]) - 1, Number(m[3])) },
  {
    pattern: new RegExp(`(?<![\\d/.])${lead}(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}|\\d{2}))?(?![\\d/])`, 'i'),
    read: (m, c) => numericDate(c, Number(m[1]), Number(m[2]), m[3]),
  },
  // "15.1." and "15.01.2027" (a dot date needs its closing dot, or ends the message: "at 9.30" is a time).
  {
    pattern: new RegExp(`(?<![\\d/.]|\\bat\\s)${lead}(\\d{1,2})\\.(\\d{1,2})(?:\\.(\\d{4})?(?!\\d)|$)`, 'i'),
    read: (m, c) => dateOf(c, m[3] ? Number(m[3]) : undefined, Number(m[2]) - 1, Number(m[1])),
  },
  { pattern: new RegExp(`\\b(?:the\\s+)?day\\s+after\\s+tomorrow${part}\\b`, 'i'), read: (m, c) => withPart(addDays(today(c), 2), m[1]) },
  { pattern: new RegExp(`\\b${lead}(?:tomorrow|tmrw|tmr|tmrow)${part}\\b`, 'i'), read: (m, c) => withPart(addDays(today(c), 1), m[1]) },
  { pattern: new RegExp(`\\b${lead}yesterday${part}\\b`, 'i'), read: (m, c) => withPart(addDays(today(c), -1), m[1]) },
  { pattern: /\b(?:by\s+|due\s+)?tonight\b/i, read: (_m, c) => ({ day: today(c), time: { hours: 20, minutes: 0 } }) },
  { pattern: new RegExp(`\\b${lead}today${part}\\b`, 'i'), read: (m, c) => withPart(today(c), m[1]) },
  { pattern: /\bthis\s+(morning|afternoon|evening)\b/i, read: (m, c) => ({ day: today(c), time: partOfDay(m[1]!) }) },
  { pattern: /\b(?:by\s+|before\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month\b/i, read: (_m, c) => ({ day: lastDayOfMonth(today(c)) }) },
  { pattern: /\b(?:by\s+|before\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year\b/i, read: (_m, c) => dateOf(c, undefined, 11, 31) },
  { pattern: new RegExp(`\\b${lead}(${holidayPattern})\\b`, 'i'), read: (m, c) => holiday(c, m[1]!) },
  { pattern: /\b(?:by\s+|before\s+)?next\s+week\b/i, read: (_m, c) => ({ day: nextWeekday(today(c), 1) }) },
  { pattern: /\b(?:by\s+|before\s+)?next\s+month\b/i, read: (_m, c) => ({ day: set(addMonths(today(c), 1), { date: 1 }) }) },
  { pattern: /\b(?:by\s+|on\s+|before\s+)?(?:this\s+|the\s+)?weekend\b/i, read: (_m, c) => ({ day: nextWeekday(today(c), 6, true) }) },
  {
    pattern: new RegExp(`\\b(?:in|within)\\s+(${amountPattern})\\s+(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\\b`, 'i'),
    read: (m, c) => relative(c, amount(m[1]!), m[2]!.toLowerCase()),
  },
  { pattern: /\bin\s+half\s+an\s+hour\b/i, read: (_m, c) => ({ instant: addMinutes(c.now, 30) }) },
  { pattern: /\bin\s+an?\s+hour\b/i, read: (_m, c) => ({ instant: addMinutes(c.now, 60) }) },
  {
    pattern: new RegExp(`\\b${lead}(?:this\\s+|next\\s+|coming\\s+)?(${weekdayPattern})\\b${part}`, 'i'),
    read: (m, c) => withPart(nextWeekday(today(c), weekdayIndex(m[1]!)), m[2]),
  },
  {
    pattern: new RegExp(`\\b${lead}(${monthPattern})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b(?!\\s*(?::|am|pm))`, 'i'),
    read: (m, c) => dateOf(c, m[3] ? Number(m[3]) : undefined, monthIndex(m[1]!), Number(m[2])),
  },
  {
    pattern: new RegExp(`\\b${lead}(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${monthPattern})\\b(?:\\s+(\\d{4}))?`, 'i'),
    read: (m, c) => dateOf(c, m[3] ? Number(m[3]) : undefined, monthIndex(m[2]!), Number(m[1])),
  },
  {
    pattern: new RegExp(`\\b${lead}the\\s+(\\d{1,2})(st|nd|rd|th)\\b`, 'i'),
    read: (m, c) => (Number(m[1]) >= 1 && Number(m[1]) <= 31 ? { day: nextMonthDay(today(c), Number(m[1])) } : null),
  },
];

const timeMatchers: Matcher[] = [
  { pattern: /\b(?:at\s+|by\s+|before\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![\w])/i, read: (m) => timeOnly(clockTime(Number(m[1]), Number(m[2] ?? 0), m[3])) },
  { pattern: /\b(?:at\s+|by\s+|before\s+)?(\d{1,2}):(\d{2})\b/i, read: (m) => timeOnly(clockTime(Number(m[1]), Number(m[2]))) },
  { pattern: /\b(?:at\s+)?(\d{1,2})(?:h(\d{2})?|\s+o['’]?clock)\b/i, read: (m) => timeOnly(clockTime(Number(m[1]), Number(m[2] ?? 0))) },
  { pattern: /\bat\s+(\d{1,2})\.(\d{2})\b/i, read: (m) => timeOnly(clockTime(Number(m[1]), Number(m[2]))) },
  { pattern: /\bat\s+(\d{1,2})\b(?!\s*(?:st|nd|rd|th|%))/i, read: (m) => timeOnly(clockTime(Number(m[1]), 0)) },
  { pattern: /\b(?:at\s+)?(?:noon|midday)\b/i, read: () => ({ time: { hours: 12, minutes: 0 } }) },
  { pattern: /\b(?:by\s+)?(?:eod|end\s+of\s+(?:the\s+)?day|cob|close\s+of\s+business)\b/i, read: () => ({ time: { hours: 17, minutes: 0 } }) },
  { pattern: /\bin\s+the\s+(morning|afternoon|evening|night)\b/i, read: (m) => ({ time: partOfDay(m[1]!) }) },
];

function partOfDay(part: string): Time {
  return { morning: { hours: 9, minutes: 0 }, afternoon: { hours: 14, minutes: 0 }, evening: { hours: 18, minutes: 0 }, night: { hours: 20, minutes: 0 } }[part.toLowerCase()]!;
}

const timeOnly = (time: Time | null): When | null => (time ? { time } : null);

function relative(clock: Clock, n: number, unit: string): When {
  if (unit.startsWith('min')) return { instant: addMinutes(clock.now, n) };
  if (unit.startsWith('h')) return { instant: addMinutes(clock.now, n * 60) };
  if (unit.startsWith('d')) return { day: addDays(today(clock), n) };
  if (unit.startsWith('w')) return { day: addWeeks(today(clock), n) };
  return { day: addMonths(today(clock), n) };
}


/** "03/04", "15.1.", "12/25/2026": in the zone's order, unless only the other order is a date. */
function numericDate(clock: Clock, a: number, b: number, yearText: string | undefined): When | null {
  const year = yearText === undefined ? undefined : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const [first, second] = monthFirst(clock.timeZone) ? [[b, a], [a, b]] : [[a, b], [b, a]];
  for (const [date, month] of [first, second]) {
    if (month! >= 1 && month! <= 12) {
      const when = dateOf(clock, year, month! - 1, date!);
      if (when) return when;
    }
  }
  return null;
}

function holiday(clock: Clock, name: string): When | null {
  const [, month, date] = holidays.find(([p]) => new RegExp(`^(?:${p.source})$`, 'i').test(name))!;
  return dateOf(clock, undefined, month, date);
}

export const defaultTime: Time = { hours: 9, minutes: 0 };

/**
 * The moment a phrase names. A day without a time is at 09:00 (today, once 09:00 is past: 23:59);
 * a time without a day is the next such time to come.
 */
export function resolve(when: When, clock: Clock): Date {
  if (when.instant) return new Date(Math.floor(when.instant.getTime() / 60_000) * 60_000);
  const now = new TZDate(clock.now, clock.timeZone);
  if (when.day && when.time) return at(when.day, when.time);
  if (when.day) {
    const morning = at(when.day, defaultTime);
    return morning > now || when.day < today(clock) ? morning : at(when.day, { hours: 23, minutes: 59 });
  }
  const time = when.time ?? defaultTime;
  const candidate = at(today(clock), time);
  return candidate > now ? candidate : addDays(candidate, 1);
}

/** The first date-time phrase in `text` (a day and a time may be apart), and the text without it. */
export function takeWhen(text: string, clock: Clock): { when: When | null; rest: string } {
  let rest = text;
  let when: When | null = null;
  for (const group of [dayMatchers, timeMatchers]) {
    for (const { pattern, read } of group) {
      const m = pattern.exec(rest);
      const found = m ? read(m, clock) : null;
      if (!m || !found) continue;
      when = { ...(when ?? {}), ...found };
      rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
      break;
    }
  }
  return { when, rest: rest.replace(/\s+/g, ' ').trim() };
}

/** ISO 8601 with the zone's offset and no milliseconds: "2026-11-24T17:00:00+01:00". */
export const isoIn = (date: Date, timeZone: string): string => new TZDate(date, timeZone).toISOString().replace('.000', '');
