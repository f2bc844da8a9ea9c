import * as functions from '@google-cloud/functions-framework';
import { createNextOnCompletion } from '../../shared/db/recurring-instances.ts';
import { dropPoison } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { parseTaskEvent } from '../../shared/events/task-events.ts';
import { topics } from '../../shared/events/topics.ts';

export const recurOnComplete = eventFunction('recur-on-complete', {
  topic: topics.taskEvents,
  handle: async (raw) => {
    const parsed = parseTaskEvent(raw);
    if (!parsed.ok) return dropPoison('recur-on-complete', topics.taskEvents.name, raw, parsed.reason);
    if (parsed.event.type === 'com.taskfn.task.completed') await createNextOnCompletion('recur-on-complete', parsed.event);
    return 'SUCCESS';
  },
});

functions.http('recur-on-complete', recurOnComplete);
