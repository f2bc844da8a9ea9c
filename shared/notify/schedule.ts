import type { Delivery } from './webhook.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * The wait before each attempt, the first at once: Svix's schedule (https://docs.svix.com/retries),
 * eight attempts over 27 h 35 min, so a receiver down for hours, or overnight, still gets its
 * notification. The tick makes the retries, so a wait is as long as the schedule says plus at most
 * one tick.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, 5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour];

/** A receiver's Retry-After is honoured up to the schedule's longest wait, so it cannot park a notification for good. */
export const MAX_RETRY_AFTER_MS = Math.max(...RETRY_SCHEDULE_MS);

/**
 * When attempt `done + 1` is due, after `done` attempts of which the last ended as `last`; null
 * when there is none: delivered, failed for good, or the schedule spent. A Retry-After longer than
 * the schedule's wait is honoured (bounded); a shorter one does not hurry the schedule.
 */
export function nextAttemptAt(done: number, last: Delivery, now: Date): Date | null {
  if (last.ok || last.permanent || done >= RETRY_SCHEDULE_MS.length) return null;
  const wait = Math.max(RETRY_SCHEDULE_MS[done]!, Math.min(last.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return new Date(now.getTime() + wait);
}
