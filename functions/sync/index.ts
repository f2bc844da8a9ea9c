import * as functions from '@google-cloud/functions-framework';
import { SyncPage, SyncQuery, maxWaitSeconds } from '../../shared/domain/sync.ts';
import { httpFunction, route } from '../../shared/http/index.ts';
import { poll } from '../../shared/sync/poll.ts';
import { runtime } from '../../shared/runtime/current.ts';

export const sync = httpFunction('sync', [
  route({
    method: 'GET',
    path: '/api/sync',
    summary:
      "The caller's changes after a cursor (without one: a snapshot of everything), each entity once at its latest state; " +
      'with wait=S and nothing newer, held up to S seconds until a change arrives',
    query: SyncQuery,
    response: SyncPage,
    errors: { 410: 'cursor_expired: the changes after the cursor are no longer kept; start over without a cursor' },
    // A held poll answers within `wait`; the rest bounds its reads, as for any request.
    deadlineMs: () => (maxWaitSeconds + 10) * 1000,
    handle: async ({ userId, query, req }) => {
      const { sql } = runtime();
      const hub = await runtime().sync();
      // The socket, not the request: a request's 'close' fires once its body is read.
      const gone = new AbortController();
      const onClose = () => gone.abort();
      req.socket.once('close', onClose);
      try {
        return await poll({ sql, hub, userId, cursor: query.cursor, limit: query.limit, waitMs: query.wait * 1000, signal: gone.signal });
      } finally {
        req.socket.off('close', onClose);
      }
    },
  }),
]);

functions.http('sync', sync);
