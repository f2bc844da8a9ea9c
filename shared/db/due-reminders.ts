import { enqueue, writeTransaction } from '../events/outbox.ts';
import { timeEvent } from '../events/time-events.ts';

interface Claimed {
  id: string;
  user_id: string;
  task_id: string;
  title: string;
  due_at: Date | null;
  fire_at: Date;
}

/**
 * Claims the reminders due at `now` and writes a reminder.due event for each, in one transaction.
 * SKIP LOCKED lets two ticks run at once: each takes rows the other has not locked, and a row
 * claimed by one is `sent` by the time the other could see it, so no reminder fires twice.
 */
export async function claimDueReminders(now: Date, limit: number, source = 'cron-tick'): Promise<Claimed[]> {
  return writeTransaction(async (tx) => {
    const claimed = await tx<Claimed[]>`
      with due as (
        select id
        from reminders
        where status = 'scheduled'
          and fire_at <= ${now}
        order by fire_at
        limit ${limit}
        for update skip locked
      )
      update reminders r
      set status = 'sent',
        sent_at = ${now},
        attempts = r.attempts + 1
      from due, tasks t
      where r.id = due.id
        and t.id = r.task_id
      returning r.id, r.user_id, r.task_id, t.title, t.due_at, r.fire_at`;
    await enqueue(
      tx,
      claimed.map((r) =>
        timeEvent('com.taskfn.reminder.due', source, {
          user_id: r.user_id,
          reminder_id: r.id,
          task_id: r.task_id,
          title: r.title,
          due_at: r.due_at?.toISOString() ?? null,
          fire_at: r.fire_at.toISOString(),
        }),
      ),
    );
    return claimed;
  });
}
