import { randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { enqueue, writeTransaction } from '../events/outbox.ts';
import { type TimeEvent, timeEvent } from '../events/time-events.ts';
import { firstDelivery } from './activity.ts';
import { getSettings } from './settings.ts';

const when = (iso: string, timeZone: string) => `${format(new TZDate(iso, timeZone), 'EEE d MMM yyyy, HH:mm')} (${timeZone})`;

/**
 * Turns a due reminder into one notification request per channel the user chose, once per event.
 * A reminder removed, or a task completed, since the tick claimed it notifies nobody.
 */
export async function requestNotifications(consumer: string, event: TimeEvent<'com.taskfn.reminder.due'>): Promise<number> {
  const d = event.data;
  return writeTransaction(async (tx) => {
    const live = await tx`
      select 1
      from reminders r
      join tasks t on t.id = r.task_id
      where r.id = ${d.reminder_id}
        and r.status = 'sent'
        and not t.completed`;
    if (live.length === 0 || !(await firstDelivery(tx, consumer, event.id))) return 0;
    const settings = await getSettings(d.user_id, tx);
    const body = d.due_at ? `"${d.title}" is due ${when(d.due_at, settings.timezone)}.` : `Reminder: "${d.title}".`;
    await enqueue(
      tx,
      settings.channels.map((channel) =>
        timeEvent('com.taskfn.notification.requested', consumer, {
          user_id: d.user_id,
          notification_id: randomUUID(),
          channel,
          reminder_id: d.reminder_id,
          task_id: d.task_id,
          title: `Reminder: ${d.title}`,
          body,
          fire_at: d.fire_at,
        }),
      ),
    );
    return settings.channels.length;
  });
}
