export { Budget, STEP_BUDGET, TooSparse, withinBudget } from './budget.ts';
export { Recurrence, resolveRule, type RecurrenceInput, type Rule } from './schema.ts';
export { between, checkSeries, lastAtOrBefore, nextAfter, occurrences, preview } from './series.ts';
export { formatInZone } from './zone.ts';
