import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { loadConfigOrExit } from '../../shared/config.ts';
import { applyServerLimits } from '../../shared/http/server-limits.ts';
import { log } from '../../shared/observability/log.ts';
import { useRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';

/**
 * A function bundle's entry. Run as the process's main module (`node dist/<name>/index.js`, as the
 * container runs it), it builds the runtime and serves the function its bundle registered, on PORT,
 * with functions-framework's own server: the same express app, options and body parsing as
 * `functions-framework --target=<name>`, reached through its public programmatic API because a
 * bundle carries its own copy of the framework, and a function registered there is invisible to the
 * CLI's. Loaded by something else (functions-framework's CLI), it only builds the runtime.
 */
export function serveWhenMain(name: string, moduleUrl: string): void {
  const runtime = createRuntime(loadConfigOrExit());
  useRuntime(runtime);
  const main = process.argv[1];
  if (!main || realpathSync(main) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const { config } = runtime;
  // The same limits as the local host: slow clients cut off, connections capped.
  const server = applyServerLimits(getTestServer(name), config);
  // As the CLI does: Knative's queue-proxy owns how long an answer may take (no idle-socket timeout).
  server.setTimeout(0);
  server.listen(config.PORT, () => log.info({ fn: name, port: config.PORT }, 'serving'));
  // Knative sends SIGTERM and waits: finish the requests in flight, stop relaying, close the pool.
  process.once('SIGTERM', () => {
    server.close(() => void runtime.close().finally(() => process.exit(0)));
  });
}
