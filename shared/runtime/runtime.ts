import type { Config } from '../config.ts';
import { type Sql, createPool } from '../db/client.ts';
import { UnavailableError } from '../domain/errors.ts';
import type { Subscriber } from '../events/batch.ts';
import { type Relay, createRelay } from '../events/relay.ts';
import { transportFromConfig } from '../events/transports.ts';
import { sidecarOutboundHealth } from '../http/sidecar-health.ts';
import { eventMetrics } from '../observability/event-metrics.ts';
import { log } from '../observability/log.ts';
import type { SyncHub } from '../sync/hub.ts';
import { heldPolls } from '../sync/held-polls.ts';
import { type CommitSignal, createCommitSignal } from './commit-signal.ts';
import { withRuntime } from './current.ts';

/** A dependency /healthz reports on; `check` rejects when it is unavailable. */
export interface HealthCheck {
  name: string;
  check: () => Promise<unknown>;
}

/** Refreshes gauges from their source just before /metrics is rendered. */
export type Collector = () => Promise<void>;

/** What a process needs to serve: built once at its entry point, reached by code when it runs. */
export interface Runtime {
  readonly config: Config;
  /** The process's connection pool; postgres.js connects on the first query. */
  readonly sql: Sql;
  readonly commits: CommitSignal;
  readonly health: HealthCheck[];
  readonly collectors: Collector[];
  /** Starts the outbox relay once; the local host passes its event functions as the local transport's subscribers. */
  startRelay(subscribers?: Subscriber[]): Promise<Relay>;
  /** The running relay, or one started for a lone function (which never relays to the local transport). */
  relay(): Promise<Relay>;
  stopRelay(): Promise<void>;
  /** The hub that holds this process's sync polls, listening from its first use. */
  sync(): Promise<SyncHub>;
  /** Answers held polls with what they have and stops listening. */
  stopSync(): Promise<void>;
  /** Stops the sync hub and the relay, and ends the pool. */
  close(): Promise<void>;
}

const sidecarReady = async ({ DAPR_HTTP_ENDPOINT, DAPR_API_TOKEN }: Config) => {
  const state = await sidecarOutboundHealth({ endpoint: DAPR_HTTP_ENDPOINT, ...(DAPR_API_TOKEN ? { apiToken: DAPR_API_TOKEN } : {}) });
  if (state !== 'ok') throw new Error('the Dapr sidecar is not ready');
};

export function createRuntime(config: Config): Runtime {
  const sql = createPool(config);
  const commits = createCommitSignal();
  let relaying: Promise<{ relay: Relay; close: () => Promise<void> }> | undefined;
  let syncing: Promise<SyncHub> | undefined;
  // The logger is the process's one; the last runtime built sets its level.
  log.level = config.LOG_LEVEL;

  const start = async (subscribers: Subscriber[]) => {
    const transport = await transportFromConfig(config, subscribers);
    const relay = createRelay({ sql, transport, batchSize: config.RELAY_BATCH_SIZE, maxBackoffMs: config.RELAY_MAX_BACKOFF_MS });
    log.info({ transport: transport.name }, 'outbox relay started');
    relay.wake();
    return { relay, close: () => relay.stop().then(() => transport.close()) };
  };

  const runtime: Runtime = {
    config,
    sql,
    commits,
    health: [
      { name: 'database', check: () => sql`select 1` },
      // Where the function has a Dapr sidecar: not ready until daprd's components are.
      ...(config.DAPR_HEALTH_CHECK ? [{ name: 'sidecar', check: () => sidecarReady(config) }] : []),
    ],
    collectors: [eventMetrics(sql), heldPolls(() => syncing)],
    async startRelay(subscribers = []) {
      // Its timers and deliveries run with this runtime as the current one.
      if (!relaying) {
        relaying = withRuntime(runtime, () => start(subscribers));
        relaying.catch(() => (relaying = undefined));
      }
      return (await relaying).relay;
    },
    relay() {
      if (!relaying && config.EVENT_TRANSPORT === 'local') {
        return Promise.reject(new UnavailableError('relay_unavailable', 'with EVENT_TRANSPORT=local the outbox is relayed by the local host or npm run relay'));
      }
      return runtime.startRelay();
    },
    async stopRelay() {
      const current = relaying;
      relaying = undefined;
      await (await current?.catch(() => undefined))?.close();
    },
    sync() {
      if (!syncing) {
        syncing = withRuntime(runtime, async () => {
          const { createSyncHub } = await import('../sync/hub.ts');
          const hub = createSyncHub({ sql, log: log.child({ component: 'sync-hub' }), recheckMs: config.SYNC_RECHECK_MS });
          await hub.start();
          return hub;
        });
        syncing.catch(() => (syncing = undefined));
      }
      return syncing;
    },
    async stopSync() {
      const current = syncing;
      syncing = undefined;
      await (await current?.catch(() => undefined))?.stop();
    },
    async close() {
      await runtime.stopSync();
      await runtime.stopRelay();
      await sql.end({ timeout: 5 });
    },
  };
  // Events are published as soon as they commit: by the running relay, or by one a lone function
  // starts on its first commit (its events otherwise wait for the local host or npm run relay).
  commits.onCommit(() => {
    if (relaying || config.EVENT_TRANSPORT !== 'local') void runtime.relay().then((r) => r.wake(), () => {});
  });
  return runtime;
}
