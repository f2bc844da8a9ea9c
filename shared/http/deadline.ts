import { UnavailableError } from '../domain/errors.ts';

/**
 * `work`'s result, or a 503 once `ms` have passed. A stalled database (one that keeps its
 * connections open and answers nothing) gives no error of its own; without this a request would
 * wait as long as the stall. The work itself goes on, and its late failure is dropped: the answer
 * was already sent.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError('deadline_exceeded', `no answer within ${ms} ms: the database or another dependency is slow; try again shortly`, 1)),
      ms,
    );
  });
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
