import { addDays, dateOf, daysInMonth, fields, isoWeekday, startOfIsoWeek } from './civil.ts';
import type { Rule } from './schema.ts';
import { parseWeekday, type Weekday } from './weekday.ts';
import { DAY } from './zone.ts';

// Which civil dates a rule picks, period by period: a period is `interval` days, weeks (Monday to
// Sunday), months or years, counted from the start's own day, week, month or year.

export interface Periods {
  /** The period holding a civil date; negative before the start's. */
  indexOf(date: number): number;
  /** The first day of period k. */
  startOf(k: number): number;
  /** The picked dates in period k, ascending. */
  datesIn(k: number): number[];
  /**
   * Consecutive empty periods after which none can ever match: a day's weekday repeats every 7 days
   * and the Gregorian calendar every 400 years (4,800 months).
   */
  maxEmpty: number;
}

type CalendarRule = Omit<Rule, 'freq'> & { freq: 'daily' | 'weekly' | 'monthly' | 'yearly' };

export function periodsOf(rule: CalendarRule, anchor: number): Periods {
  const weekdays = rule.by_weekday?.map(parseWeekday);
  const step = rule.interval;
  const start = fields(anchor);
  switch (rule.freq) {
    case 'daily': {
      const only = weekdays && new Set(weekdays.map((w) => w.day));
      const startOf = (k: number) => addDays(anchor, k * step);
      return {
        indexOf: (date) => Math.floor((date - anchor) / DAY / step),
        startOf,
        datesIn: (k) => [startOf(k)].filter((d) => !only || only.has(isoWeekday(d))),
        maxEmpty: 7,
      };
    }
    case 'weekly': {
      const week0 = startOfIsoWeek(anchor);
      const days = sortedUnique((weekdays ?? [{ day: isoWeekday(anchor), nth: 0 }]).map((w) => w.day));
      const startOf = (k: number) => addDays(week0, 7 * k * step);
      return {
        indexOf: (date) => Math.floor((startOfIsoWeek(date) - week0) / (7 * DAY) / step),
        startOf,
        datesIn: (k) => days.map((day) => addDays(startOf(k), day - 1)),
        maxEmpty: 1,
      };
    }
    case 'monthly': {
      const month0 = start.year * 12 + start.month - 1;
      const startOf = (k: number) => monthStart(month0 + k * step);
      const pick = (year: number, month: number) => {
        if (rule.by_month_day) return rule.by_month_day.map((n) => dayOfMonth(year, month, n));
        if (weekdays) return weekdaysIn(dateOf(year, month, 1), dateOf(year, month + 1, 1), weekdays);
        return [dayOfMonth(year, month, start.day)];
      };
      return {
        indexOf: (date) => Math.floor((monthNumber(date) - month0) / step),
        startOf,
        datesIn: (k) => {
          const { year, month } = fields(startOf(k));
          return sortedUnique(pick(year, month));
        },
        maxEmpty: 4800,
      };
    }
    case 'yearly': {
      const startOf = (k: number) => dateOf(start.year + k * step, 1, 1);
      // by_month picks months; otherwise an nth weekday counts within the whole year (RFC 5545),
      // and a plain yearly rule keeps the start's month.
      const months = rule.by_month ?? (weekdays ? undefined : [start.month]);
      const pick = (year: number) => {
        if (!months) return weekdaysIn(dateOf(year, 1, 1), dateOf(year + 1, 1, 1), weekdays ?? []);
        return months.flatMap((month) =>
          weekdays
            ? weekdaysIn(dateOf(year, month, 1), dateOf(year, month + 1, 1), weekdays)
            : [dayOfMonth(year, month, start.day)],
        );
      };
      return {
        indexOf: (date) => Math.floor((fields(date).year - start.year) / step),
        startOf,
        datesIn: (k) => sortedUnique(pick(start.year + k * step)),
        maxEmpty: 400,
      };
    }
  }
}

const monthNumber = (date: number) => {
  const { year, month } = fields(date);
  return year * 12 + month - 1;
};

const monthStart = (n: number) => dateOf(Math.floor(n / 12), (n % 12) + 1, 1);

/**
 * Day n of a month, counted from the end when negative, held within the month: the 31st is the
 * last day of a shorter month and -31 its first, so a rule on the 31st stays anchored there.
 */
function dayOfMonth(year: number, month: number, n: number): number {
  const length = daysInMonth(year, month);
  return dateOf(year, month, n > 0 ? Math.min(n, length) : Math.max(1, length + 1 + n));
}

/** The weekdays in [start, end): every one for a plain entry, else the nth (from the end if negative). */
function weekdaysIn(start: number, end: number, weekdays: Weekday[]): number[] {
  const found: number[] = [];
  for (const { day, nth } of weekdays) {
    const all: number[] = [];
    for (let d = addDays(start, (day - isoWeekday(start) + 7) % 7); d < end; d = addDays(d, 7)) all.push(d);
    if (nth === 0) found.push(...all);
    else {
      const one = all.at(nth > 0 ? nth - 1 : nth);
      if (one !== undefined) found.push(one);
    }
  }
  return found;
}

const sortedUnique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
