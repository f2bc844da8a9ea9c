// Test support: an independent reading of rules for the property tests (shared/domain/recurrence/properties.test.ts). It reads local time with
// Intl's formatToParts (not the engine's zone module) and tests dates with predicates (where the
// engine generates them period by period), so a shared mistake is unlikely.
import type { Rule } from '../shared/domain/recurrence/schema.ts';

export const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local clock reading of an instant, as the ms of the same fields read in UTC. */
export function localWall(t: number, zone: string): number {
  let format = formats.get(zone);
  if (!format) {
    const two = '2-digit' as const;
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: two, day: two, hour: two, minute: two, second: two });
    formats.set(zone, format);
  }
  const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year ?? NaN, (p.month ?? NaN) - 1, p.day ?? NaN, p.hour ?? NaN, p.minute ?? NaN, p.second ?? NaN);
}

/** A local clock time: any instant in the given zone that reads it, earliest first, or none in a gap. */
export function instantsReading(wall: number, zone: string): number[] {
  const offsets = new Set([wall - DAY, wall + DAY].map((probe) => localWall(probe, zone) - probe));
  return [...offsets].map((o) => wall - o).filter((t) => localWall(t, zone) === wall).sort((a, b) => a - b);
}

const codes = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']; // by Date#getUTCDay

const ymd = (date: number) => {
  const d = new Date(date);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: codes[d.getUTCDay()] ?? '' };
};
const monthLength = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const mondayOf = (date: number) => date - ((new Date(date).getUTCDay() + 6) % 7) * DAY;
const clampDay = (n: number, length: number) => (n > 0 ? Math.min(n, length) : Math.max(1, length + 1 + n));

/** Whether a weekday entry like "MO", "2TU" or "-1FR" names a date, counting within [first, last] day numbers. */
function weekdayEntryMatches(entry: string, weekday: string, dayNumber: number, spanLength: number): boolean {
  if (!entry.endsWith(weekday)) return false;
  const nth = Number(entry.slice(0, -2) || '0');
  if (nth > 0) return Math.ceil(dayNumber / 7) === nth;
  if (nth < 0) return Math.floor((spanLength - dayNumber) / 7) === -nth - 1;
  return true;
}

/** Whether a calendar rule anchored on the civil date `anchor` picks the civil date `date`. */
export function dateMatches(rule: Rule, anchor: number, date: number): boolean {
  const a = ymd(anchor);
  const d = ymd(date);
  const every = (n: number) => n >= 0 && n % rule.interval === 0;
  const weekdays = rule.by_weekday;
  switch (rule.freq) {
    case 'daily':
      return every(Math.round((date - anchor) / DAY)) && (!weekdays || weekdays.includes(d.weekday));
    case 'weekly':
      return every(Math.round((mondayOf(date) - mondayOf(anchor)) / DAY / 7)) && (weekdays ?? [a.weekday]).includes(d.weekday);
    case 'monthly': {
      if (!every(d.y * 12 + d.m - (a.y * 12 + a.m))) return false;
      const length = monthLength(d.y, d.m);
      if (rule.by_month_day) return rule.by_month_day.some((n) => clampDay(n, length) === d.day);
      if (weekdays) return weekdays.some((w) => weekdayEntryMatches(w, d.weekday, d.day, length));
      return d.day === Math.min(a.day, length);
    }
    case 'yearly': {
      if (!every(d.y - a.y)) return false;
      if (rule.by_month ? !rule.by_month.includes(d.m) : !weekdays && d.m !== a.m) return false;
      if (!weekdays) return d.day === Math.min(a.day, monthLength(d.y, d.m));
      if (rule.by_month) return weekdays.some((w) => weekdayEntryMatches(w, d.weekday, d.day, monthLength(d.y, d.m)));
      const dayOfYear = Math.round((date - Date.UTC(d.y, 0, 1)) / DAY) + 1;
      const yearLength = Math.round((Date.UTC(d.y + 1, 0, 1) - Date.UTC(d.y, 0, 1)) / DAY);
      return weekdays.some((w) => weekdayEntryMatches(w, d.weekday, dayOfYear, yearLength));
    }
    case 'cron':
      throw new Error('cron rules are matched by cronWalls');
  }
}

/**
 * The wall times in [from, to] a rule names, ascending: the start's time of day on each picked date,
 * or for the property tests' cron shape ("M,M H,H * * D,D", H may be *) each listed hour and minute.
 */
export function expectedWalls(rule: Rule, startWall: number, from: number, to: number): number[] {
  const anchor = Math.floor(startWall / DAY) * DAY;
  const times = rule.cron ? cronTimes(rule.cron) : [startWall - anchor];
  const days = rule.cron ? cronDays(rule.cron) : undefined;
  const found: number[] = [];
  for (let date = Math.floor(from / DAY) * DAY; date <= to; date += DAY) {
    if (days ? !days.has(new Date(date).getUTCDay()) : !dateMatches(rule, anchor, date)) continue;
    for (const time of times) if (date + time >= from && date + time <= to) found.push(date + time);
  }
  return found;
}

const cronTimes = (cron: string) => {
  const [minutes = '', hours = ''] = cron.split(' ');
  return (hours === '*' ? [...Array(24).keys()].join(',') : hours)
    .split(',')
    .flatMap((h) => minutes.split(',').map((m) => Number(h) * 3_600_000 + Number(m) * 60_000))
    .sort((a, b) => a - b);
};

const cronDays = (cron: string) => {
  const dow = cron.split(' ')[4] ?? '*';
  return new Set(dow === '*' ? [0, 1, 2, 3, 4, 5, 6] : dow.split(',').map(Number));
};
