import { ValidationError } from '../errors.ts';
import type { Rule } from './schema.ts';

// Every search of the engine (the next occurrence, the latest, a preview) pays for each period or
// day it looks at, so no rule, however sparse, holds the event loop: at about 0.1-0.5 µs a step
// on this machine, a whole budget costs a few milliseconds. An unbounded walk
// blocked every request for 28 s.

/** Steps one search may take: periods or days looked at, plus occurrences passed. */
export const STEP_BUDGET = 20_000;

export class TooSparse extends Error {
  override name = 'TooSparse';
}

export class Budget {
  constructor(private left = STEP_BUDGET) {}

  spend(steps = 1): void {
    this.left -= steps;
    if (this.left < 0) throw new TooSparse(`no answer within ${STEP_BUDGET} steps`);
  }
}

/** Runs an engine call, answering a rule too sparse to search as a 400 naming the rule. */
export function withinBudget<T>(rule: Pick<Rule, 'freq'>, field: string, search: () => T): T {
  try {
    return search();
  } catch (err) {
    if (!(err instanceof TooSparse)) throw err;
    const path = rule.freq === 'cron' && field === 'recurrence' ? 'recurrence.cron' : field;
    throw new ValidationError(
      [{ in: 'body', path, message: 'is too sparse: its occurrences are too far apart to be found within the search budget' }],
      `body ${path}: is too sparse`,
    );
  }
}
