import { Gauge } from 'prom-client';
import { getConfig } from '../config.ts';
import type { Sql } from '../db/client.ts';
import { log } from '../observability/log.ts';
import { type SyncHub, createSyncHub } from './hub.ts';

// This process's hub, made on first use (the sync function alone) or by the local host at start.
// The pool is imported when it is needed, not when this module is.
let current: Promise<{ sql: Sql; hub: SyncHub }> | undefined;
let started: SyncHub | undefined;

new Gauge({
  name: 'taskfn_sync_held_polls',
  help: 'Polls of GET /api/sync held by this process, waiting for a change',
  collect() {
    this.set(started?.waiting() ?? 0);
  },
});

export function syncForThisProcess(): Promise<{ sql: Sql; hub: SyncHub }> {
  current ??= (async () => {
    const { sql } = await import('../db/client.ts');
    const hub = createSyncHub({ sql, log: log.child({ component: 'sync-hub' }), recheckMs: getConfig().SYNC_RECHECK_MS });
    await hub.start();
    started = hub;
    return { sql, hub };
  })();
  return current;
}

export async function stopSyncHub(): Promise<void> {
  const running = current;
  current = undefined;
  started = undefined;
  if (running) await (await running).hub.stop();
}
