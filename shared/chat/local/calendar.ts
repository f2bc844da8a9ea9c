import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, addYears, lastDayOfMonth, set } from 'date-fns';

// The calendar the parser reads dates into: the user's clock, names of days and months, and the
// next day that has a given weekday or day of month, in the user's time zone.

export interface Clock {
  now: Date;
  timeZone: string;
}

/** "03/04" is 3 April in most of the world and March 4 in the United States: the zone decides. */
export const monthFirst = (timeZone: string): boolean => /^America\/(?!Sao_Paulo|Argentina|Bogota|Lima|Santiago|Caracas|Montevideo|Mexico_City)/.test(timeZone) || timeZone === 'US/Eastern' || timeZone === 'US/Pacific';

export interface Time {
  hours: number;
  minutes: number;
}

/** What a phrase said: a day, a time of day, or an exact instant ("in 2 hours"). */
export interface When {
  day?: TZDate;
  time?: Time;
  instant?: Date;
}

export const weekdayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const numberWords: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

export const weekdayPattern = 'sunday|mon(?:day)?|tue(?:s|sday)?|wednesday|thu(?:r|rs|rsday)?|fri(?:day)?|saturday';
export const monthPattern = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
export const amountPattern = '\\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';

export const weekdayIndex = (name: string): number => weekdayNames.findIndex((w) => w.startsWith(name.toLowerCase().slice(0, 3)));
export const monthIndex = (name: string): number => monthNames.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3)));
export const amount = (word: string): number => numberWords[word.toLowerCase()] ?? Number(word);

export const today = (clock: Clock): TZDate => set(new TZDate(clock.now, clock.timeZone), { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 });
export const at = (day: TZDate, time: Time): TZDate => set(day, { hours: time.hours, minutes: time.minutes, seconds: 0, milliseconds: 0 });

/** The first day after `from` (or `from` itself when `inclusive`) that falls on the weekday. */
export function nextWeekday(from: TZDate, weekday: number, inclusive = false): TZDate {
  const ahead = (weekday - from.getDay() + 7) % 7;
  return addDays(from, ahead === 0 && !inclusive ? 7 : ahead);
}

/** The next day of month `n` (-1: the last) on or after `from`, in a month that has it (31 skips April). */
export function nextMonthDay(from: TZDate, n: number): TZDate {
  for (let i = 0; i < 24; i++) {
    const month: TZDate = addMonths(set(from, { date: 1 }), i);
    const last = lastDayOfMonth(month).getDate();
    const date = n === -1 ? last : n;
    if (date > last) continue;
    const day = set(month, { date });
    if (day >= from) return day;
  }
  return from;
}

/** A calendar date; without a year, the next one to come (today counts). Invalid dates read as nothing. */
export function dateOf(clock: Clock, year: number | undefined, month: number, date: number): When | null {
  const base = today(clock);
  let day = set(base, { year: year ?? base.getFullYear(), month, date });
  if (day.getMonth() !== month || day.getDate() !== date) return null;
  if (year === undefined && day < base) day = addYears(day, 1);
  return { day };
}
