import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { authenticate } from '../auth/jwt.ts';
import { AppError, UnavailableError } from '../domain/errors.ts';
import { type Logger, log as rootLog } from '../observability/log.ts';
import { observeRequest } from '../observability/metrics.ts';
import { requestIdOf } from '../observability/request-id.ts';
import { readJson } from './body.ts';
import { withDeadline } from './deadline.ts';
import { type Location, toAppError, validationError } from './errors.ts';
import { serveOps } from './ops.ts';
import { type AnyRoute, type CompiledRoute, Reply, compile, match } from './route.ts';
import { runtime } from '../runtime/current.ts';

export type HttpHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
  routes: AnyRoute[];
};

function parse(schema: z.ZodType | undefined, value: unknown, where: Location): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Bytes go out as they are, typed by the route's own headers (the web app's page and files).
  const raw = Buffer.isBuffer(body);
  const payload = body === undefined ? '' : raw ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...(payload && !raw ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

/**
 * One request handler over a list of routes: a single function's (registered with
 * functions-framework) or every function's (the local host). It answers /healthz and /metrics,
 * authenticates, validates path, query and body with the route's zod schemas, and maps every error
 * to `{"error": {code, message, details}}`.
 */
export function createHandler(routes: AnyRoute[], defaultFn = 'taskfn'): HttpHandler {
  const compiled: CompiledRoute[] = routes.map(compile);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers);
    // A child logger costs more than the rest of the logging; most requests never need one.
    let child: Logger | undefined;
    const log = () => (child ??= rootLog.child({ requestId }));
    res.setHeader('x-request-id', requestId);
    const method = req.method ?? 'GET';
    // HEAD is GET without the body (RFC 9110 9.3.2; uptime checks and `curl -I` send it): node's
    // ServerResponse already drops the body of an answer to HEAD.
    const routed = method === 'HEAD' ? 'GET' : method;
    const url = new URL(req.url ?? '/', 'http://localhost');

    const rt = runtime();
    if (await serveOps(routed, url.pathname, res, rt)) return;

    const found = match(compiled, routed, url.pathname);
    const fn = found.kind === 'found' ? (found.route.fn ?? defaultFn) : defaultFn;
    const routeLabel = found.kind === 'found' ? found.route.path : 'unmatched';
    try {
      if (found.kind === 'none') throw new AppError(404, 'not_found', `no route for ${method} ${url.pathname}`);
      if (found.kind === 'method') {
        res.setHeader('allow', found.allow.join(', '));
        throw new AppError(405, 'method_not_allowed', `${method} is not allowed here; use ${found.allow.join(', ')}`);
      }
      const { route, params } = found;
      const userId = route.public ? '' : await authenticate(req.headers.authorization);
      // A repeated parameter joins into one comma list; an empty one (`?q=`, as forms send) is absent.
      const query = Object.fromEntries(
        [...new Set(url.searchParams.keys())]
          .map((k): [string, string] => [k, url.searchParams.getAll(k).filter((v) => v !== '').join(',')])
          .filter(([, v]) => v !== ''),
      );
      const ctx = {
        userId,
        actor: { userId, source: fn },
        req,
        get log() {
          return userId ? log().child({ userId }) : log();
        },
        params: parse(route.params, params, 'path'),
        query: parse(route.query, query, 'query'),
        body: route.body ? parse(route.body, await readJson(req), 'body') : undefined,
      };
      // The API's answers are bounded in time; event, cron and relay deliveries (public routes that
      // check the sidecar's token) are bounded by their callers and by the tick's own limits.
      const result = await (route.public ? route.handle(ctx) : withDeadline(route.handle(ctx), route.deadlineMs?.(rt.config) ?? rt.config.REQUEST_DEADLINE_MS));
      if (result instanceof Reply) send(res, result.status ?? 200, result.body, result.headers);
      else send(res, result === undefined ? 204 : (route.status ?? 200), result);
    } catch (err) {
      const e = toAppError(err, log());
      const headers: Record<string, string> = e.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      if (e instanceof UnavailableError && e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
      // Unread request bodies must not be left on a kept-alive connection.
      if (e.status === 413) headers.connection = 'close';
      send(res, e.status, { error: { code: e.code, message: e.message, details: e.details } }, headers);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = String(res.statusCode);
      observeRequest({ function: fn, method, route: routeLabel, status }, seconds);
      rootLog.info({ requestId, fn, method, path: url.pathname, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    }
  };
  return Object.assign(handler, { routes });
}

/** A function's handler: its routes, labelled with its name for metrics and logs. */
export function httpFunction(name: string, routes: AnyRoute[]): HttpHandler {
  return createHandler(
    routes.map((r) => ({ ...r, fn: name })),
    name,
  );
}
