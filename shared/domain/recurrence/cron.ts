import { CronExpression, CronExpressionParser, type CronFieldCollection } from 'cron-parser';
import { SECOND } from './zone.ts';

// cron-parser reads the expression and steps through its calendar (day-of-month OR day-of-week as in
// Vixie cron, L, #). It runs in UTC over wall times: its own zone handling skips times in a DST gap
// and fires twice in a repeated hour, while the engine's rule moves the first to the gap's end and
// fires the second once, for cron exactly as for the other frequencies.

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

const parsed = new Map<string, CronFieldCollection>();

/** Parsing costs far more than stepping, and a tick reads the same few expressions again and again. */
function fieldsOf(expression: string): CronFieldCollection {
  let fields = parsed.get(expression);
  if (!fields) {
    if (parsed.size >= 1000) parsed.clear();
    fields = CronExpressionParser.parse(expression, { tz: 'UTC' }).fields;
    parsed.set(expression, fields);
  }
  return fields;
}

/** Wall times matching the expression, ascending, from `from` (inclusive). */
export function* cronWalls(expression: string, from: number): Generator<number> {
  const steps = new CronExpression(fieldsOf(expression), { currentDate: new Date(from - SECOND), tz: 'UTC' });
  for (;;) {
    let wall: number;
    try {
      wall = steps.next().getTime();
    } catch (err) {
      // cron-parser gives up after 10,000 steps without a match (decades for rare day rules): the
      // series ends there rather than failing every later read.
      if ((err as Error).message.includes('loop limit')) return;
      throw err;
    }
    yield wall;
  }
}
