import * as z from 'zod';

// ISO 8601 durations for reminder offsets: weeks, days, hours, minutes, seconds. Years and months
// are refused: "a month before" has no fixed length, and a reminder should not guess.

export interface Duration {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const pattern = /^P(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,7})S)?)?$/;

export function parseDuration(text: string): Duration | null {
  const m = pattern.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  return { weeks: weeks!, days: days!, hours: hours!, minutes: minutes!, seconds: seconds! };
}

/** Nominal length in seconds (a day counted as 24 h): only for bounds, never for arithmetic. */
export const nominalSeconds = (d: Duration) => (((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds;

const maxSeconds = 366 * 86_400;

export const IsoDuration = z
  .string()
  .max(40, 'must be at most 40 characters')
  .regex(pattern, 'must be an ISO 8601 duration of weeks, days, hours, minutes and seconds, like PT30M or P1DT2H')
  .refine((s) => parseDuration(s) !== null, 'must be an ISO 8601 duration, like PT30M or P1D')
  .refine((s) => nominalSeconds(parseDuration(s) ?? { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 }) <= maxSeconds, 'must be at most 366 days');
