import * as functions from '@google-cloud/functions-framework';
import { dropPoison } from '../../shared/events/dead-letters.ts';
import { eventFunction } from '../../shared/events/function.ts';
import { parseTimeEvent } from '../../shared/events/time-events.ts';
import { topics } from '../../shared/events/topics.ts';
import { deliver } from '../../shared/notify/deliver.ts';
import { defineMetrics } from '../../shared/observability/prom.ts';

const metrics = defineMetrics((prom) => ({
  outcomes: new prom.Counter({ name: 'notifications_total', help: 'Notifications handled, by channel and outcome', labelNames: ['channel', 'outcome'] }),
  delivery: new prom.Histogram({
    name: 'notification_delivery_seconds',
    help: 'From the time a reminder was due to its notification delivered',
    labelNames: ['channel'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300],
  }),
}));

export const notify = eventFunction('notify', {
  topic: topics.notificationEvents,
  handle: async (raw, log) => {
    const parsed = parseTimeEvent('com.taskfn.notification.requested', raw);
    if (!parsed.ok) return dropPoison('notify', topics.notificationEvents.name, raw, parsed.reason);
    const n = parsed.event.data;
    const outcome = await deliver(n);
    const delivered = outcome === 'delivered' && n.fire_at ? (Date.now() - Date.parse(n.fire_at)) / 1000 : undefined;
    metrics.use(({ outcomes, delivery }) => {
      outcomes.inc({ channel: n.channel, outcome });
      if (delivered !== undefined) delivery.observe({ channel: n.channel }, delivered);
    });
    // A failed first attempt is retried by the tick (shared/notify/schedule.ts): the event is done.
    if (outcome !== 'failed') return 'SUCCESS';
    log.warn({ notification: n.notification_id, channel: n.channel }, 'notification failed for good');
    return dropPoison('notify', topics.notificationEvents.name, raw, `${n.channel} delivery failed for good`);
  },
});

functions.http('notify', notify);
