import * as functions from '@google-cloud/functions-framework';
import * as z from 'zod';
import { authenticateSender } from '../../shared/events/sender-auth.ts';
import { runtime } from '../../shared/runtime/current.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

// Publishes whatever the outbox still holds: events a crash or a broker outage left behind. Called
// by hand or by a scheduler; cron-tick also sweeps the outbox on every tick.
export const relayOutbox = httpFunction('relay-outbox', [
  route({
    method: 'POST',
    path: '/relay-outbox',
    summary: 'Publish pending outbox events now (scheduler or by hand; app API token or OIDC sender)',
    public: true,
    body: z.unknown(),
    response: z.object({ published: z.number().int() }),
    handle: async ({ req }) => {
      await authenticateSender(req);
      const relay = await runtime().relay();
      return { published: await relay.drain() };
    },
  }),
]);

functions.http('relay-outbox', relayOutbox);
