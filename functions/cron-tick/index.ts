import * as functions from '@google-cloud/functions-framework';
import * as z from 'zod';
import { authenticateSender } from '../../shared/events/sender-auth.ts';
import { httpFunction, route } from '../../shared/http/index.ts';
import { log } from '../../shared/observability/log.ts';
import { tick } from '../../shared/time/tick.ts';

const TickResult = z.object({
  reminders: z.number().int(),
  generated: z.number().int(),
  published: z.number().int(),
  pruned: z.object({ outbox: z.number().int(), processed: z.number().int(), sync: z.number().int() }),
  /** Notification retries the tick made. */
  notifications: z.number().int().optional(),
});

const handler = httpFunction('cron-tick', [
  route({
    method: 'POST',
    path: '/cron-tick',
    summary: 'One tick: fire due reminders, generate due recurring tasks, sweep the outbox (Dapr cron binding or PingSource; app API token or OIDC sender)',
    public: true,
    body: z.unknown(),
    response: TickResult,
    handle: async ({ req, log }) => {
      await authenticateSender(req);
      return tick(log);
    },
  }),
]);

/** The local host runs `run` on the binding's schedule; the cluster's sidecar POSTs /cron-tick instead. */
export const cronTick = Object.assign(handler, { run: () => tick(log.child({ fn: 'cron-tick' })) });

functions.http('cron-tick', cronTick);
