import type * as PromClient from 'prom-client';
import { log } from './log.ts';

// prom-client (with its default collectors and @opentelemetry/api: 65 KiB of a function's start-up
// JavaScript, and 6-10 ms of its start in a V8 profile) is of no use before the first observation or
// scrape. So it is loaded then, off the request's path: the observation waits for it, the answer
// does not.
// Its default process metrics start at that moment too (CPU and memory totals are cumulative
// anyway; GC and event-loop histograms miss the start-up).

export type Prom = typeof PromClient;

let client: Prom | undefined;
let loading: Promise<Prom> | undefined;
const creators: ((prom: Prom) => void)[] = [];

/** prom-client with every metric defined so far registered, loading it on the first call. */
export function loadPromClient(): Promise<Prom> {
  loading ??= import('prom-client').then((prom) => {
    prom.collectDefaultMetrics();
    client = prom;
    for (const create of creators.splice(0)) create(prom);
    return prom;
  });
  return loading;
}

export interface LazyMetrics<M> {
  /** Runs `record` with the metrics now when prom-client is loaded, else once it is (and starts loading it). */
  use(record: (metrics: M) => void): void;
}

/**
 * Metrics made when prom-client loads, together with every other module's, so a scrape lists every
 * metric the process's modules define, observed or not (as when they were made at import).
 */
export function defineMetrics<M>(create: (prom: Prom) => M): LazyMetrics<M> {
  let made: M | undefined;
  const make = (prom: Prom) => {
    made = create(prom);
  };
  if (client) make(client);
  else creators.push(make);
  return {
    use(record) {
      if (made !== undefined) return record(made);
      loadPromClient().then(
        () => record(made!),
        (err: unknown) => log.error({ err }, 'metrics: prom-client failed to load'),
      );
    },
  };
}
