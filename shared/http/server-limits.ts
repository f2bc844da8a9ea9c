import type { Server } from 'node:http';
import type { Config } from '../config.ts';

export type ServerLimits = Pick<Config, 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_MAX_CONNECTIONS'>;

// Node checks both timeouts on this interval (30 s by default), so it bounds how late a slow client
// is cut off; a check walks only the open connections.
const checkEveryMs = 1000;

/**
 * Bounds what a slow or greedy client can hold, for every server taskfn runs (the local host and a
 * function under functions-framework): headers and the whole request must arrive in time (Node
 * then answers 408 and closes), and connections past the cap are closed as they arrive. Knative's
 * queue-proxy bounds the time a request takes to answer; these bound what reaches the app.
 * Call it before `listen`: the checking interval starts then.
 */
export function applyServerLimits(server: Server, limits: ServerLimits): Server {
  server.requestTimeout = limits.HTTP_REQUEST_TIMEOUT_MS;
  // Node refuses a headers timeout longer than the request timeout.
  server.headersTimeout = Math.min(limits.HTTP_HEADERS_TIMEOUT_MS, limits.HTTP_REQUEST_TIMEOUT_MS);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(checkEveryMs, server.headersTimeout);
  server.maxConnections = limits.HTTP_MAX_CONNECTIONS;
  return server;
}
