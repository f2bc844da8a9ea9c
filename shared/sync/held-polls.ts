import { defineMetrics } from '../observability/prom.ts';
import type { SyncHub } from './hub.ts';

const held = defineMetrics((prom) => new prom.Gauge({ name: 'taskfn_sync_held_polls', help: 'Polls of GET /api/sync held by this process, waiting for a change' }));

/** Sets the gauge from the runtime's hub before a scrape (0 while it has none). */
export function heldPolls(hub: () => Promise<SyncHub> | undefined): () => Promise<void> {
  return async () => {
    const running = await hub()?.catch(() => undefined);
    held.use((gauge) => gauge.set(running?.waiting() ?? 0));
  };
}
