import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const safeId = /^[\w.:-]{1,128}$/;
// W3C trace context: version-traceid-parentid-flags; the trace id ties our logs to the caller's trace.
const traceparent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  if (typeof given === 'string' && safeId.test(given)) return given;
  const trace = typeof headers.traceparent === 'string' ? traceparent.exec(headers.traceparent) : null;
  if (trace && !/^0+$/.test(trace[1]!)) return trace[1]!;
  return randomUUID();
}
