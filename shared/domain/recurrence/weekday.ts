// by_weekday entries, RFC 5545's BYDAY: a weekday ("MO"), optionally with an ordinal inside the month
// or year ("2TU" the second Tuesday, "-1FR" the last Friday).

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export const WEEKDAY_PATTERN = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

export interface Weekday {
  /** ISO weekday, Monday 1 to Sunday 7. */
  day: number;
  /** Ordinal within the month or year; 0 means every such weekday. */
  nth: number;
}

/** Reads an entry already checked against WEEKDAY_PATTERN. */
export function parseWeekday(entry: string): Weekday {
  const [, nth = '0', code = ''] = WEEKDAY_PATTERN.exec(entry) ?? [];
  return { day: WEEKDAY_CODES.indexOf(code as (typeof WEEKDAY_CODES)[number]) + 1, nth: Number(nth) };
}
