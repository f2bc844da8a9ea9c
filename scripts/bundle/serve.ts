import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { sql } from '../../shared/db/client.ts';
import { getConfig } from '../../shared/config.ts';
import { applyServerLimits } from '../../shared/http/server-limits.ts';
import { stopRelay } from '../../shared/events/process-relay.ts';
import { log } from '../../shared/observability/log.ts';

/**
 * Serves a function its bundle registered, on PORT, when the bundle is the process's main module
 * (`node dist/<name>/index.js`, as the container runs it). The server is functions-framework's own:
 * the same express app, options and body parsing as `functions-framework --target=<name>`, reached
 * through its public programmatic API because a bundle carries its own copy of the framework, and a
 * function registered there is invisible to the CLI's.
 */
export function serveWhenMain(name: string, moduleUrl: string): void {
  const main = process.argv[1];
  if (!main || realpathSync(main) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const config = getConfig();
  const { PORT } = config;
  // The same limits as the local host: slow clients cut off, connections capped.
  const server = applyServerLimits(getTestServer(name), config);
  // As the CLI does: Knative's queue-proxy owns how long an answer may take (no idle-socket timeout).
  server.setTimeout(0);
  server.listen(PORT, () => log.info({ fn: name, port: PORT }, 'serving'));
  // Knative sends SIGTERM and waits: finish the requests in flight, stop relaying, close the pool.
  process.once('SIGTERM', () => {
    server.close(() => {
      void stopRelay()
        .then(() => sql.end({ timeout: 5 }))
        .finally(() => process.exit(0));
    });
  });
}
