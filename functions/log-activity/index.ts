import * as functions from '@google-cloud/functions-framework';
import { recordActivities } from '../../shared/db/activity.ts';
import { dropPoison } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { type TaskEvent, parseTaskEvent } from '../../shared/events/task-events.ts';
import { topics } from '../../shared/events/topics.ts';
import type { Outcome } from '../../shared/events/transport.ts';

// A batch at a time (one delivery over HTTP is a batch of one): every event's row in one
// transaction, so the consumer keeps up with the write path.
export const logActivity = eventFunction('log-activity', {
  topic: topics.taskEvents,
  handleBatch: async (deliveries) => {
    const parsed = deliveries.map(({ event }) => parseTaskEvent(event));
    const valid: TaskEvent[] = parsed.flatMap((p) => (p.ok ? [p.event] : []));
    await recordActivities('log-activity', valid);
    // After the batch's effects: a poison event is dead-lettered once the rows before it are in.
    return Promise.all(
      parsed.map((p, i): Promise<Outcome> => (p.ok ? Promise.resolve('SUCCESS') : dropPoison('log-activity', topics.taskEvents.name, deliveries[i]!.event, p.reason))),
    );
  },
});

functions.http('log-activity', logActivity);
