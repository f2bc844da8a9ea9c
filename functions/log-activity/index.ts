import * as functions from '@google-cloud/functions-framework';
import { recordActivity } from '../../shared/db/activity.ts';
import { dropPoison } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { parseTaskEvent } from '../../shared/events/task-events.ts';
import { topics } from '../../shared/events/topics.ts';

export const logActivity = eventFunction('log-activity', {
  topic: topics.taskEvents,
  handle: async (raw) => {
    const parsed = parseTaskEvent(raw);
    if (!parsed.ok) return dropPoison('log-activity', topics.taskEvents.name, raw, parsed.reason);
    await recordActivity('log-activity', parsed.event);
    return 'SUCCESS';
  },
});

functions.http('log-activity', logActivity);
