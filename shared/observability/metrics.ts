import type { Counter, Histogram } from 'prom-client';
import { defineMetrics, loadPromClient } from './prom.ts';

const labelNames = ['function', 'method', 'route', 'status'] as const;

const http = defineMetrics((prom) => ({
  requests: new prom.Counter({
    name: 'taskfn_http_requests_total',
    help: 'HTTP requests answered, by function, route and status',
    labelNames,
  }),
  errors: new prom.Counter({
    name: 'taskfn_http_errors_total',
    help: 'HTTP requests answered with a 5xx status, by function and route',
    labelNames,
  }),
  duration: new prom.Histogram({
    name: 'taskfn_http_request_duration_seconds',
    help: 'Time from request to response, by function and route',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
}));

type Labels = Record<(typeof labelNames)[number], string>;

// Label sets are few (function × route × status); resolving each once keeps prom-client's label
// hashing off the request path.
const series = new Map<string, { requests: Counter.Internal; duration: Histogram.Internal<string>; errors?: Counter.Internal }>();

export function observeRequest(labels: Labels, seconds: number): void {
  http.use((m) => {
    const key = `${labels.function} ${labels.method} ${labels.route} ${labels.status}`;
    let s = series.get(key);
    if (!s) {
      s = {
        requests: m.requests.labels(labels),
        duration: m.duration.labels(labels),
        ...(Number(labels.status) >= 500 ? { errors: m.errors.labels(labels) } : {}),
      };
      series.set(key, s);
    }
    s.requests.inc();
    s.duration.observe(seconds);
    s.errors?.inc();
  });
}

const events = defineMetrics((prom) => ({
  handled: new prom.Counter({
    name: 'taskfn_events_handled_total',
    help: 'Events an event function handled, by function, topic and outcome (SUCCESS, RETRY, DROP)',
    labelNames: ['function', 'topic', 'outcome'],
  }),
  // Consumer lag in time rather than offsets: it reads the same under Dapr, Knative Eventing and the
  // in-process transports, none of which lets the function see the broker's offsets.
  lag: new prom.Histogram({
    name: 'taskfn_event_lag_seconds',
    help: "From an event's time (its commit in the outbox) to its handling by an event function",
    labelNames: ['function', 'topic'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  }),
}));

/** One delivery to an event function; `time` is the CloudEvent's `time` attribute when it has one. */
export function observeEvent(fn: string, topic: string, outcome: string, time: unknown): void {
  // The lag is taken now, not when prom-client has loaded.
  const at = typeof time === 'string' || time instanceof Date ? new Date(time).getTime() : NaN;
  const lag = Number.isFinite(at) ? Math.max(0, Date.now() - at) / 1000 : undefined;
  events.use((m) => {
    m.handled.labels(fn, topic, outcome).inc();
    if (lag !== undefined) m.lag.labels(fn, topic).observe(lag);
  });
}

/** The Prometheus text of every metric, and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const { register } = await loadPromClient();
  return { contentType: register.contentType, body: await register.metrics() };
}
