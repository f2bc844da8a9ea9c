import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { signDevToken, userIdPattern } from '../shared/auth/jwt.ts';
import { getConfig } from '../shared/config.ts';
import { DaprSubscription, type EventFunction, daprSubscription } from '../shared/events/function.ts';
import type { Subscriber } from '../shared/events/batch.ts';
import { type AnyRoute, type HttpHandler, createHandler, route } from '../shared/http/index.ts';
import { openApiDocument } from '../shared/http/openapi.ts';
import { type CronFunction, catalog } from './catalog.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const DevTokenRequest = z.strictObject({
  user_id: z.string().regex(userIdPattern, 'must be 1-200 letters, digits or _@.:|-'),
});

export interface HostCron {
  name: string;
  binding: string;
  run: CronFunction['run'];
}

export type HostHandler = HttpHandler & { events: EventFunction[]; subscribers: Subscriber[]; crons: HostCron[] };

/**
 * The local host's handler: every function of the catalog at its own routes, plus the OpenAPI
 * document, the Dapr subscription list of all event functions and, in dev auth mode only, a token
 * endpoint. One process, one port. Its event functions feed the local transport (as subscribers)
 * or Kafka consumers.
 */
export async function loadHostHandler(): Promise<HostHandler> {
  const config = getConfig();
  const handlers = await Promise.all(catalog.map((entry) => entry.load()));
  const events = handlers.filter((h): h is EventFunction => 'subscriber' in h);
  const crons = catalog.flatMap((entry, i) => (entry.trigger === 'cron' ? [{ name: entry.name, binding: entry.binding, run: (handlers[i] as CronFunction).run }] : []));
  // In the host each event function keeps /events/<name>, and one /dapr/subscribe lists them all.
  const functionRoutes = handlers.flatMap((h) => h.routes).filter((r) => !r.alone);
  const hostRoutes: AnyRoute[] = [
    route({
      method: 'GET',
      path: '/dapr/subscribe',
      summary: 'The subscriptions of every event function, as Dapr reads them',
      public: true,
      response: z.array(DaprSubscription),
      handle: () => Promise.resolve(events.map((e) => daprSubscription(e.subscription))),
    }),
    route({
      method: 'GET',
      path: '/api/openapi.json',
      summary: 'This document',
      public: true,
      handle: () => Promise.resolve(document),
    }),
  ];
  if (config.AUTH_MODE === 'dev') {
    hostRoutes.push(
      route({
        method: 'POST',
        path: '/api/dev/token',
        summary: 'A bearer token for any user id (local development only: AUTH_MODE=dev)',
        public: true,
        body: DevTokenRequest,
        response: z.object({ token: z.string() }),
        handle: async ({ body }) => ({ token: await signDevToken(body.user_id) }),
      }),
    );
  }
  const routes = [...functionRoutes, ...hostRoutes.map((r) => ({ ...r, fn: 'local-host' }))];
  const document = openApiDocument(routes, version);
  return Object.assign(createHandler(routes, 'local-host'), { events, subscribers: events.map((e) => e.subscriber), crons });
}
