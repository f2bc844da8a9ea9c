import type { CatalogEntry, SidecarUse } from '../../functions/catalog.ts';
import type { EventFunction } from '../../shared/events/function.ts';
import type { AnyRoute } from '../../shared/http/index.ts';

// The catalog as the chart reads it (values.yaml `functions:`): plain data, no code. Routes come
// from each function's own handler, so the public HTTPRoutes always match what the code serves.

export interface GatewayMatch {
  method: string;
  path: { type: 'Exact' | 'RegularExpression'; value: string };
}

export interface FunctionSpec {
  name: string;
  trigger: 'http' | 'event' | 'cron';
  scaling: 'scale-to-zero' | 'warm';
  uses: SidecarUse[];
  /** http: the public /api routes, as Gateway API matches (path parameters become a regex). */
  routes?: GatewayMatch[];
  /** event: the topic, the path the sidecar or the Knative source delivers to, and the dead-letter topic. */
  topic?: string;
  deadLetterTopic?: string;
  /** event and cron: the path events or ticks are posted to. */
  path?: string;
  /** cron: the Dapr cron binding (component) name. */
  binding?: string;
}

// What the Gateway routes to a function: the API, and the web app's page and hashed files.
const isPublic = (path: string) => path.startsWith('/api/') || path === '/' || path.startsWith('/assets/');

export function gatewayMatch(route: Pick<AnyRoute, 'method' | 'path'>): GatewayMatch {
  if (!route.path.includes('/:')) return { method: route.method, path: { type: 'Exact', value: route.path } };
  // Anchored: implementations differ on whether a regex must match the whole path.
  const source = route.path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method: route.method, path: { type: 'RegularExpression', value: `^${source}$` } };
}

const isEventFunction = (h: unknown): h is EventFunction => typeof h === 'function' && 'subscription' in h;

export async function describe(entry: CatalogEntry): Promise<FunctionSpec> {
  const base = { name: entry.name, trigger: entry.trigger, scaling: entry.scaling, uses: [...new Set(entry.uses ?? [])].sort() };
  const handler = await entry.load();
  switch (entry.trigger) {
    case 'http': {
      const routes = handler.routes.filter((r) => !r.alone && isPublic(r.path)).map(gatewayMatch);
      return { ...base, routes };
    }
    case 'event': {
      if (!isEventFunction(handler)) throw new Error(`${entry.name}: an event entry must load an eventFunction`);
      const { topic, routes, deadLetterTopic } = handler.subscription;
      if (topic !== entry.topic) throw new Error(`${entry.name}: the catalog says topic ${entry.topic}, the function subscribes to ${topic}`);
      return { ...base, topic, deadLetterTopic, path: routes.default };
    }
    case 'cron': {
      // The cron binding POSTs to /<binding name>; a function without that route would never tick.
      const path = `/${entry.binding}`;
      if (!handler.routes.some((r) => r.method === 'POST' && r.path === path)) {
        throw new Error(`${entry.name}: a cron entry with binding ${entry.binding} must serve POST ${path}`);
      }
      return { ...base, binding: entry.binding, path };
    }
  }
}

export async function describeCatalog(catalog: CatalogEntry[]): Promise<FunctionSpec[]> {
  const names = new Set<string>();
  for (const { name } of catalog) {
    // The name is a Kubernetes object name, a Dapr app id and a DNS label.
    if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(name)) throw new Error(`${name}: a function name must be a DNS label of at most 40 characters`);
    if (names.has(name)) throw new Error(`${name}: listed twice in the catalog`);
    names.add(name);
  }
  return Promise.all(catalog.map(describe));
}
