export { Recurrence, resolveRule, type RecurrenceInput, type Rule } from './schema.ts';
export { between, checkSeries, nextAfter, occurrences, preview } from './series.ts';
export { formatInZone } from './zone.ts';
