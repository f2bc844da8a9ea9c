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

export const metricsContentType = register.contentType;
export const renderMetrics = (): Promise<string> => register.metrics();
