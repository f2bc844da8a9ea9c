import type { ServerResponse } from 'node:http';
import { renderMetrics } from '../observability/metrics.ts';
import type { Collector, HealthCheck } from '../runtime/runtime.ts';
import { withDeadline } from './deadline.ts';

const healthBudgetMs = 1000;

export interface Ops {
  health: HealthCheck[];
  collectors: Collector[];
}

/** Answers the operational endpoints every function and the local host share; false for anything else. */
export async function serveOps(method: string, path: string, res: ServerResponse, { health, collectors }: Ops): Promise<boolean> {
  if (method !== 'GET') return false;
  if (path === '/metrics') {
    await Promise.all(collectors.map((collect) => collect()));
    const { contentType, body } = await renderMetrics();
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
    return true;
  }
  if (path === '/healthz') {
    // Answered within healthBudgetMs whatever a dependency does: a probe that hangs on a stalled
    // database would make the orchestrator's own timeout the answer.
    const results = await Promise.all(
      health.map(async ({ name, check }) => [name, await withDeadline(check(), healthBudgetMs).then(() => 'ok', () => 'unavailable')] as const),
    );
    const ok = results.every(([, state]) => state === 'ok');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', checks: Object.fromEntries(results) }));
    return true;
  }
  return false;
}
