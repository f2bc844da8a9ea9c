import * as functions from '@google-cloud/functions-framework';
import { requestNotifications } from '../../shared/db/notification-requests.ts';
import { dropPoison } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { parseTimeEvent } from '../../shared/events/time-events.ts';
import { topics } from '../../shared/events/topics.ts';

export const reminderFire = eventFunction('reminder-fire', {
  topic: topics.reminderEvents,
  handle: async (raw) => {
    const parsed = parseTimeEvent('com.taskfn.reminder.due', raw);
    if (!parsed.ok) return dropPoison('reminder-fire', topics.reminderEvents.name, raw, parsed.reason);
    await requestNotifications('reminder-fire', parsed.event);
    return 'SUCCESS';
  },
});

functions.http('reminder-fire', reminderFire);
