import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';
import type { Budget } from './budget.ts';
import { addDays, dateOf, daysInMonth, fields, startOfDay } from './civil.ts';
import { DAY, MINUTE } from './zone.ts';

// cron-parser reads the expression (day-of-month OR day-of-week as in Vixie cron, L, #); the engine
// steps through the calendar itself. cron-parser's own stepping costs about 7 µs a step and walks
// day by day inside a matching month, up to 10,000 steps a call: "0 0 * 2 1#5" (a fifth Monday in
// February, every 28 years) took 8-60 ms an occurrence. Here a month that cannot match
// is one step and a day a few additions, and every step is paid from the search's budget. Walls are
// UTC fields, as everywhere in the engine: the zone is applied by the caller, the same DST policy
// as the other frequencies.

/** Why an expression is refused, or undefined when it is usable. */
export function cronProblem(expression: string): string | undefined {
  if (expression.trim().split(/\s+/).length !== 5) {
    return 'must have 5 fields: minute hour day-of-month month day-of-week, like "0 9 * * 1-5"';
  }
  // H picks a random value per parse unless seeded: the series must be the same on every read.
  if (/\bH\b/i.test(expression)) return 'must not use H (random values)';
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return undefined;
  } catch (err) {
    return `is not a cron expression: ${(err as Error).message}`;
  }
}

interface Schedule {
  /** Minutes of the day, ascending. */
  times: number[];
  months: Set<number>;
  matchesDay(date: number): boolean;
}

/** cron-parser's day rule (CronExpression#matchDayOfMonth) over a civil date. */
function dayRule(f: CronFieldCollection): (date: number) => boolean {
  const values = (field: { values: readonly unknown[] }) => field.values.filter((v): v is number => typeof v === 'number');
  const dom = new Set(values(f.dayOfMonth));
  const dow = new Set(values(f.dayOfWeek).map((v) => v % 7));
  // "5L": the last Friday of the month.
  const lastDow = new Set(f.dayOfWeek.values.filter((v) => String(v).endsWith('L')).map((v) => Number(String(v).charAt(0)) % 7));
  const { nthDay } = f.dayOfWeek;
  const domRestricted = !f.dayOfMonth.isWildcard;
  const dowRestricted = !f.dayOfWeek.isWildcard;
  return (date) => {
    const d = new Date(date);
    const day = d.getUTCDate();
    const weekday = d.getUTCDay();
    const length = daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1);
    const matchedDom = dom.has(day) || (f.dayOfMonth.hasLastChar && day === length);
    const matchedDow = (dow.has(weekday) && (nthDay <= 0 || Math.ceil(day / 7) === nthDay)) || (lastDow.has(weekday) && day + 7 > length);
    if (domRestricted && dowRestricted) return matchedDom || matchedDow;
    if (domRestricted) return matchedDom;
    return !dowRestricted || matchedDow;
  };
}

const schedules = new Map<string, Schedule>();

/** Parsing costs far more than stepping, and a tick reads the same few expressions again and again. */
function scheduleOf(expression: string): Schedule {
  let s = schedules.get(expression);
  if (!s) {
    if (schedules.size >= 1000) schedules.clear();
    const f = CronExpressionParser.parse(expression, { tz: 'UTC' }).fields;
    const times = f.hour.values.flatMap((h) => f.minute.values.map((m) => h * 60 + m)).sort((a, b) => a - b);
    s = { times, months: new Set(f.month.values), matchesDay: dayRule(f) };
    schedules.set(expression, s);
  }
  return s;
}

/** Wall times matching the expression, ascending, from `from` (inclusive) to before `end`. */
export function* cronWalls(expression: string, from: number, end: number, budget: Budget): Generator<number> {
  const s = scheduleOf(expression);
  for (let day = startOfDay(from); day < end; ) {
    budget.spend();
    const { year, month } = fields(day);
    if (!s.months.has(month)) {
      day = dateOf(year, month + 1, 1);
      continue;
    }
    if (s.matchesDay(day)) {
      for (const m of s.times) if (day + m * MINUTE >= from) yield day + m * MINUTE;
    }
    day = addDays(day, 1);
  }
}

/** Wall times matching the expression, descending, from `to` (inclusive) down to `floor` (inclusive). */
export function* cronWallsBefore(expression: string, to: number, floor: number, budget: Budget): Generator<number> {
  const s = scheduleOf(expression);
  const reversed = [...s.times].reverse();
  for (let day = startOfDay(to); day + DAY > floor; ) {
    budget.spend();
    const { year, month } = fields(day);
    if (!s.months.has(month)) {
      day = dateOf(year, month, 1) - DAY;
      continue;
    }
    if (s.matchesDay(day)) {
      for (const m of reversed) {
        const wall = day + m * MINUTE;
        if (wall < floor) return;
        if (wall <= to) yield wall;
      }
    }
    day = addDays(day, -1);
  }
}

