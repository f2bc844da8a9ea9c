import * as functions from '@google-cloud/functions-framework';
import { recordActivity } from '../../shared/db/activity.ts';
import { recordDeadLetter } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { parseTaskEvent } from '../../shared/events/task-events.ts';
import { topics } from '../../shared/events/topics.ts';

export const logActivity = eventFunction('log-activity', {
  topic: topics.taskEvents,
  handle: async (raw) => {
    const parsed = parseTaskEvent(raw);
    if (!parsed.ok) {
      // Poison: no retry can fix it, and retrying would block the events behind it.
      const eventId = (raw as { id?: unknown } | null)?.id;
      await recordDeadLetter({
        consumer: 'log-activity',
        topic: topics.taskEvents.name,
        eventId: typeof eventId === 'string' ? eventId : undefined,
        reason: parsed.reason,
        payload: raw,
      });
      return 'DROP';
    }
    await recordActivity('log-activity', parsed.event);
    return 'SUCCESS';
  },
});

functions.http('log-activity', logActivity);
