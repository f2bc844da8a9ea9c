import { Counter, Histogram, collectDefaultMetrics, register } from 'prom-client';

collectDefaultMetrics();

const labelNames = ['function', 'method', 'route', 'status'] as const;

export const httpRequests = new Counter({
  name: 'taskfn_http_requests_total',
  help: 'HTTP requests answered, by function, route and status',
  labelNames,
});

export const httpErrors = new Counter({
  name: 'taskfn_http_errors_total',
  help: 'HTTP requests answered with a 5xx status, by function and route',
  labelNames,
});

export const httpDuration = new Histogram({
  name: 'taskfn_http_request_duration_seconds',
  help: 'Time from request to response, by function and route',
  labelNames,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

type Labels = Record<(typeof labelNames)[number], string>;

// Label sets are few (function × route × status); resolving each once keeps prom-client's label
// hashing off the request path.
const series = new Map<string, { requests: Counter.Internal; duration: Histogram.Internal<string>; errors?: Counter.Internal }>();

export function observeRequest(labels: Labels, seconds: number): void {
  const key = `${labels.function} ${labels.method} ${labels.route} ${labels.status}`;
  let s = series.get(key);
  if (!s) {
    s = {
      requests: httpRequests.labels(labels),
      duration: httpDuration.labels(labels),
      ...(Number(labels.status) >= 500 ? { errors: httpErrors.labels(labels) } : {}),
    };
    series.set(key, s);
  }
  s.requests.inc();
  s.duration.observe(seconds);
  s.errors?.inc();
}

export const eventsHandled = new Counter({
  name: 'taskfn_events_handled_total',
  help: 'Events an event function handled, by function, topic and outcome (SUCCESS, RETRY, DROP)',
  labelNames: ['function', 'topic', 'outcome'],
});

// Consumer lag in time rather than offsets: it reads the same under Dapr, Knative Eventing and the
// in-process transports, none of which lets the function see the broker's offsets.
export const eventLag = new Histogram({
  name: 'taskfn_event_lag_seconds',
  help: "From an event's time (its commit in the outbox) to its handling by an event function",
  labelNames: ['function', 'topic'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
});

/** One delivery to an event function; `time` is the CloudEvent's `time` attribute when it has one. */
export function observeEvent(fn: string, topic: string, outcome: string, time: unknown): void {
  eventsHandled.labels(fn, topic, outcome).inc();
  const at = typeof time === 'string' || time instanceof Date ? new Date(time).getTime() : NaN;
  if (Number.isFinite(at)) eventLag.labels(fn, topic).observe(Math.max(0, Date.now() - at) / 1000);
}

export const metricsContentType = register.contentType;
export const renderMetrics = (): Promise<string> => register.metrics();
