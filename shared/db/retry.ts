import { setTimeout as sleep } from 'node:timers/promises';

// SQLSTATEs a transaction can meet only because another one ran beside it: a deadlock or a
// serialization failure, a unique name or a foreign key that a concurrent commit just took or
// removed. Run again from the start, the transaction sees that commit and answers what it would
// have answered a moment later (a 409 for a taken name, a re-created tag for a deleted one).
const racing = new Set(['40001', '40P01', '23505', '23503']);

export const isRace = (err: unknown): boolean => racing.has((err as { code?: unknown } | null)?.code as string);

/** Runs `attempt` again, up to `attempts` times in all, while it fails on a race; a short jittered pause between. */
export async function retryRaces<T>(attempt: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= attempts || !isRace(err)) throw err;
      await sleep(Math.random() * 10 * i);
    }
  }
}
