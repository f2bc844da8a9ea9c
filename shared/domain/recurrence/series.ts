import { ValidationError } from '../errors.ts';
import { Budget } from './budget.ts';
import { periodsOf } from './calendar.ts';
import { cronWalls, cronWallsBefore } from './cron.ts';
import type { Rule } from './schema.ts';
import { startOfDay } from './civil.ts';
import { DAY, SECOND, formatInZone, instantOf, wallOf } from './zone.ts';

// A series is a rule anchored at a start (RFC 5545's DTSTART). Instants are whole seconds: the
// start's milliseconds are dropped, so every read of a series gives the same values. Every search
// pays its steps from a Budget (budget.ts), so none runs unbounded: a rule too sparse for it throws
// TooSparse.

/** Wall times beyond this are not generated: dates must stay readable by PostgreSQL and ISO 8601. */
const END_OF_TIME = Date.UTC(10000, 0, 1);

/** Candidate wall times in ascending order, from the period holding `from` (never before the start's). */
function* wallTimes(rule: Rule, startWall: number, from: number, budget: Budget): Generator<number> {
  if (rule.freq === 'cron') {
    yield* cronWalls(rule.cron ?? '', Math.max(from, startWall), END_OF_TIME, budget);
    return;
  }
  const anchor = startOfDay(startWall);
  const timeOfDay = startWall - anchor;
  const periods = periodsOf({ ...rule, freq: rule.freq }, anchor);
  let empty = 0;
  for (let k = Math.max(0, periods.indexOf(startOfDay(from))); periods.startOf(k) < END_OF_TIME; k++) {
    budget.spend();
    const dates = periods.datesIn(k);
    if (dates.length === 0 && ++empty >= periods.maxEmpty) return;
    if (dates.length > 0) empty = 0;
    for (const date of dates) if (date + timeOfDay >= from) yield date + timeOfDay;
  }
}

/** The same candidates in descending order, from `to` down to the start's wall time (both inclusive). */
function* wallTimesBefore(rule: Rule, startWall: number, to: number, budget: Budget): Generator<number> {
  if (rule.freq === 'cron') {
    yield* cronWallsBefore(rule.cron ?? '', to, startWall, budget);
    return;
  }
  const anchor = startOfDay(startWall);
  const timeOfDay = startWall - anchor;
  const periods = periodsOf({ ...rule, freq: rule.freq }, anchor);
  let empty = 0;
  for (let k = periods.indexOf(startOfDay(to)); k >= 0; k--) {
    budget.spend();
    const dates = periods.datesIn(k);
    if (dates.length === 0 && ++empty >= periods.maxEmpty) return;
    if (dates.length > 0) empty = 0;
    for (const date of dates.reverse()) {
      const wall = date + timeOfDay;
      if (wall < startWall) return;
      if (wall <= to) yield wall;
    }
  }
}

/**
 * The series' instants after `after`, oldest first: the one implementation of "the next
 * occurrence" behind occurrences, nextAfter, between and preview. Without a count it enters at the
 * period holding `after`'s own wall time, so a series running for ten years costs what a new one
 * does: instantOf never maps a later wall time to an earlier instant, and `after` reads its own
 * wall time, so no earlier wall time can name an instant after it. A count is counted from the
 * start, so it walks (at most 1,000 occurrences).
 */
function* seriesAfter(rule: Rule, dtstart: Date, after: number, budget: Budget): Generator<number> {
  const start = Math.floor(dtstart.getTime() / SECOND) * SECOND;
  const zone = rule.timezone;
  const until = rule.until === undefined ? Infinity : Date.parse(rule.until);
  const startWall = wallOf(start, zone);
  const from = rule.count === undefined && after > start ? wallOf(after, zone) : startWall;
  let last = -Infinity;
  let seen = 0;
  for (const wall of wallTimes(rule, startWall, from, budget)) {
    budget.spend();
    const t = instantOf(wall, zone);
    // Walls map to instants in order, but several walls in one DST gap share the gap's end.
    if (t < start || t <= last) continue;
    if (t > until || seen === rule.count) return;
    last = t;
    seen++;
    if (t > after) yield t;
  }
}

/** The series in strictly increasing order; the start itself first when it matches the rule. */
export function* occurrences(rule: Rule, dtstart: Date, budget = new Budget()): Generator<Date> {
  for (const t of seriesAfter(rule, dtstart, -Infinity, budget)) yield new Date(t);
}

/** The first occurrence strictly after `after`, or null when the series has ended. */
export function nextAfter(rule: Rule, dtstart: Date, after: Date, budget = new Budget()): Date | null {
  for (const t of seriesAfter(rule, dtstart, after.getTime(), budget)) return new Date(t);
  return null;
}

/**
 * The last occurrence at or before `to`, or null when there is none, found without walking the
 * occurrences before it (catch-up `latest` after a long downtime): candidates are read backwards
 * from `to`. A wall time a little after `to`'s own can still name an instant before it when the
 * clock was set back, so the walk starts up to the zone's largest offset nearby past it.
 */
export function lastAtOrBefore(rule: Rule, dtstart: Date, to: Date, budget = new Budget()): Date | null {
  const start = Math.floor(dtstart.getTime() / SECOND) * SECOND;
  const zone = rule.timezone;
  const limit = Math.min(to.getTime(), rule.until === undefined ? Infinity : Date.parse(rule.until));
  if (limit < start) return null;
  if (rule.count !== undefined) {
    let last: number | null = null;
    for (const t of seriesAfter(rule, dtstart, -Infinity, budget)) {
      if (t > limit) break;
      last = t;
    }
    return last === null ? null : new Date(last);
  }
  const offsets = [-2, -1, 0, 1, 2].map((d) => wallOf(limit + d * DAY, zone) - (limit + d * DAY));
  const top = Math.min(limit + Math.max(...offsets), END_OF_TIME - 1);
  for (const wall of wallTimesBefore(rule, wallOf(start, zone), top, budget)) {
    budget.spend();
    const t = instantOf(wall, zone);
    if (t > limit) continue;
    return t < start ? null : new Date(t);
  }
  return null;
}

/** Occurrences in (from, to], oldest first, at most `limit` (catching up after downtime). */
export function between(rule: Rule, dtstart: Date, from: Date, to: Date, limit: number, budget = new Budget()): Date[] {
  const found: Date[] = [];
  if (limit <= 0) return found;
  for (const t of seriesAfter(rule, dtstart, from.getTime(), budget)) {
    if (t > to.getTime()) break;
    found.push(new Date(t));
    if (found.length >= limit) break;
  }
  return found;
}

/** The first `count` occurrences of the series starting at `start`, in the rule's zone, within one budget. */
export function preview(rule: Rule, start: Date, count: number, budget = new Budget()): string[] {
  const found: string[] = [];
  if (count <= 0) return found;
  for (const d of occurrences(rule, start, budget)) {
    found.push(formatInZone(d, rule.timezone));
    if (found.length >= count) break;
  }
  return found;
}

/** Refuses a series that ends before it starts. */
export function checkSeries(rule: Rule, dtstart: Date): void {
  if (rule.until !== undefined && Date.parse(rule.until) < dtstart.getTime()) {
    throw new ValidationError(
      [{ in: 'body', path: 'recurrence.until', message: 'is before the start: the series would end before it starts' }],
      'body recurrence.until: is before the start',
    );
  }
}
