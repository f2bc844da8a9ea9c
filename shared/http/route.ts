import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/actor.ts';
import type { Logger } from '../observability/log.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface Context<P extends Schema, Q extends Schema, B extends Schema> {
  userId: string;
  /** The user and this function, as services record who changed what. */
  actor: Actor;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  req: IncomingMessage;
  log: Logger;
}

/** What a route answers: the body (undefined for 204; a Buffer is sent as is) with an optional status and headers. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly status?: number,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface Route<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  method: Method;
  /** `/api/tasks/:id`: `:name` segments become params. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body, for the OpenAPI document. */
  response?: z.ZodType;
  /** The media types of a success body that is not JSON (the web app's page and files), for the OpenAPI document. */
  produces?: string[];
  /** Success status when the handler returns a plain value (default 200, or 204 for undefined). */
  status?: number;
  /** May answer 409 (a stale version or a taken name): documented in OpenAPI. */
  conflict?: boolean;
  /** Further answers this route may give (status: when), documented in OpenAPI. */
  errors?: Record<number, string>;
  /** Served only when the function runs alone (a Knative sink at /, its own /dapr/subscribe); the local host has its own. */
  alone?: boolean;
  /** Every route needs a bearer token unless it says otherwise. */
  public?: boolean;
  /** How long an authenticated route may take before it answers 503 (default REQUEST_DEADLINE_MS). */
  deadlineMs?: (config: Config) => number;
  handle: (ctx: Context<P, Q, B>) => Promise<unknown>;
}

// The context's type is checked where each route is written; collections of routes only pass it on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandle = (ctx: Context<any, any, any>) => Promise<unknown>;
export type AnyRoute = Omit<Route, 'handle'> & { fn?: string; handle: AnyHandle };

export const route = <P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  r: Route<P, Q, B>,
): AnyRoute => r;

export interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
  names: string[];
}

export function compile(route: AnyRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export type Match =
  | { kind: 'found'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'method'; allow: Method[] }
  | { kind: 'none' };

export function match(routes: CompiledRoute[], method: string, path: string): Match {
  const allow: Method[] = [];
  for (const c of routes) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allow.push(c.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1]!);
    });
    return { kind: 'found', route: c.route, params };
  }
  return allow.length > 0 ? { kind: 'method', allow } : { kind: 'none' };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');
