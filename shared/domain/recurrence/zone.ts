import { tzOffset } from '@date-fns/tz';

// A "wall" time is a local clock reading in a zone, held as the epoch ms of the same fields read in
// UTC; civil dates are walls at midnight. Calendar rules work on walls, and only this module turns
// them into instants, so the DST policy lives in one place.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The zone's UTC offset at an instant in ms; old local mean times are seconds-precise. */
function offsetAt(zone: string, instant: number): number {
  const minutes = tzOffset(zone, new Date(instant));
  // @date-fns/tz 1.5.0 reads "-00:44:30" as +44.5 (https://github.com/date-fns/date-fns/pull/4279):
  // offsets west of Greenwich by under an hour, like Africa/Monrovia's until 1972, get the sign back.
  if (minutes > 0 && minutes < 60 && offsetText(zone, instant).startsWith('GMT-')) return -Math.round(minutes * MINUTE);
  return Math.round(minutes * MINUTE);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
function offsetText(zone: string, instant: number): string {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  return format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

export const wallOf = (instant: number, zone: string) => instant + offsetAt(zone, instant);

/**
 * The instant a wall time names. A repeated time (DST ends) is its first, earlier instant, so it
 * fires once; a skipped time (DST starts) becomes the end of the gap, the next instant that exists.
 * TZDate alone would answer 02:30 + the gap length (03:30) and, for a repeated time, depends on the
 * zone, hence this explicit policy. Offsets are probed a day either side: no zone changes its offset
 * twice within two days, nor by a day or more.
 */
export function instantOf(wall: number, zone: string): number {
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const fits = [...new Set([before, after])].map((o) => wall - o).filter((t) => wallOf(t, zone) === wall);
  if (fits.length > 0) return Math.min(...fits);
  return gapEnd(wall, zone, before, after);
}

/**
 * The first instant whose wall time is at or after `wall`, which lies in a gap from the offset
 * `before` to `after`. Binary search to the second: transitions can fall on any half or quarter hour
 * (Lord Howe, Chatham), which @date-fns/tz's hour-stepping tzScan would miss.
 */
function gapEnd(wall: number, zone: string, before: number, after: number): number {
  let lo = wall - after; // its wall is before `wall`
  let hi = wall - before; // its wall is at or after `wall`
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
    if (wallOf(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

const offsetName = (ms: number) => {
  const minutes = Math.abs(ms / MINUTE);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${ms < 0 ? '-' : '+'}${hh}:${mm}`;
};

/**
 * ISO 8601 at seconds precision with the zone's offset at that instant, `+00:00` rather than `Z`.
 * The offset is rounded to the minute and the clock read in that offset, so the text names the
 * exact instant even for old offsets with seconds (Monrovia's -00:44:30), which ISO cannot write.
 */
export function formatInZone(d: Date, timeZone: string): string {
  const offset = Math.round(offsetAt(timeZone, d.getTime()) / MINUTE) * MINUTE;
  const clock = new Date(Math.floor(d.getTime() / SECOND) * SECOND + offset).toISOString().slice(0, 19);
  return `${clock}${offsetName(offset)}`;
}
