import type { ServerResponse } from 'node:http';
import { getConfig } from '../config.ts';
import { sql } from '../db/client.ts';
import { metricsContentType, renderMetrics } from '../observability/metrics.ts';
import { withDeadline } from './deadline.ts';
import { sidecarOutboundHealth } from './sidecar-health.ts';
// Registered where /metrics is served: the outbox backlog and dead-letter gauges.
import '../observability/event-metrics.ts';

const healthBudgetMs = 1000;

/** Answers the operational endpoints every function and the local host share; false for anything else. */
export async function serveOps(method: string, path: string, res: ServerResponse): Promise<boolean> {
  if (method !== 'GET') return false;
  if (path === '/metrics') {
    const body = await renderMetrics();
    res.writeHead(200, { 'content-type': metricsContentType });
    res.end(body);
    return true;
  }
  if (path === '/healthz') {
    // Answered within healthBudgetMs whatever the database does: a probe that hangs on a stalled
    // database would make the orchestrator's own timeout the answer.
    const { DAPR_HEALTH_CHECK, DAPR_HTTP_ENDPOINT, DAPR_API_TOKEN } = getConfig();
    const [database, sidecar] = await Promise.all([
      withDeadline(sql`select 1`, healthBudgetMs).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      DAPR_HEALTH_CHECK ? sidecarOutboundHealth({ endpoint: DAPR_HTTP_ENDPOINT, apiToken: DAPR_API_TOKEN, timeoutMs: healthBudgetMs }) : undefined,
    ]);
    const ok = database === 'ok' && sidecar !== 'unavailable';
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', checks: sidecar ? { database, sidecar } : { database } }));
    return true;
  }
  return false;
}
