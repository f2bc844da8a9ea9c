import { type IncomingHttpHeaders, createServer } from 'node:http';

/**
 * A stand-in for a Dapr sidecar's state API (https://docs.dapr.io/reference/api/state_api/) over
 * one in-memory store, answering as the API documents: GET 200 with the value and an ETag header,
 * or 204 when the key is absent or past its `ttlInSeconds`; POST of an array of items, 204, or
 * 409 ERR_STATE_SAVE on an ETag mismatch (Dapr ≥ 1.0 maps a store's ETag error to 409), where
 * `first-write` without an ETag only creates; DELETE with an optional If-Match, 204. It records
 * every request, and its clock can be moved to expire keys.
 */
export interface DaprStateApi {
  endpoint: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  /** Milliseconds added to the real clock, to make TTLs run out. */
  advance(ms: number): void;
  /** The next n saves answer 409 as if another writer had just won, to exercise a client's retry. */
  conflictNext(n: number): void;
  close(): Promise<void>;
}

interface Item {
  key: string;
  value: unknown;
  etag?: string;
  options?: { concurrency?: string };
  metadata?: Record<string, string>;
}

export async function startDaprStateApi({ store = 'statestore' } = {}): Promise<DaprStateApi> {
  const data = new Map<string, { value: string; etag: number; expiresAt: number }>();
  const requests: DaprStateApi['requests'] = [];
  let skew = 0;
  let conflicts = 0;
  let version = 0;
  const now = () => Date.now() + skew;
  const live = (key: string) => {
    const entry = data.get(key);
    if (entry && entry.expiresAt <= now()) data.delete(key);
    return data.get(key);
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { ...(value === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
        res.end(value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
      };
      const path = new URL(req.url!, 'http://sidecar').pathname.split('/').slice(1);
      if (path[0] !== 'v1.0' || path[1] !== 'state') return answer(404, { errorCode: 'ERR_NOT_FOUND', message: 'no such API' });
      if (path[2] !== store) return answer(400, { errorCode: 'ERR_STATE_STORE_NOT_FOUND', message: `state store ${path[2]} is not found` });
      const key = path[3] === undefined ? undefined : decodeURIComponent(path[3]);

      if (req.method === 'GET' && key !== undefined) {
        const entry = live(key);
        return entry ? answer(200, entry.value, { etag: String(entry.etag) }) : answer(204);
      }
      if (req.method === 'DELETE' && key !== undefined) {
        const entry = live(key);
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined && (!entry || String(entry.etag) !== ifMatch)) {
          return answer(409, { errorCode: 'ERR_STATE_DELETE', message: `failed deleting state with key ${key}: possible etag mismatch` });
        }
        data.delete(key);
        return answer(204);
      }
      if (req.method === 'POST' && key === undefined) {
        let items: Item[];
        try {
          items = JSON.parse(body) as Item[];
          if (!Array.isArray(items) || !items.every((i) => typeof i.key === 'string' && 'value' in i)) throw new Error('not an array of state items');
        } catch (err) {
          return answer(400, { errorCode: 'ERR_MALFORMED_REQUEST', message: (err as Error).message });
        }
        if (conflicts > 0) {
          conflicts--;
          return answer(409, { errorCode: 'ERR_STATE_SAVE', message: `failed saving state in state store ${store}: possible etag mismatch` });
        }
        for (const item of items) {
          const entry = live(item.key);
          const mismatch = item.etag !== undefined ? !entry || String(entry.etag) !== item.etag : item.options?.concurrency === 'first-write' && entry !== undefined;
          if (mismatch) {
            return answer(409, { errorCode: 'ERR_STATE_SAVE', message: `failed saving state in state store ${store}: possible etag mismatch` });
          }
        }
        for (const item of items) {
          const ttl = Number(item.metadata?.ttlInSeconds ?? Infinity);
          data.set(item.key, { value: JSON.stringify(item.value), etag: ++version, expiresAt: now() + ttl * 1000 });
        }
        return answer(204);
      }
      return answer(405, { errorCode: 'ERR_METHOD', message: `${req.method} is not supported here` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    advance: (ms) => (skew += ms),
    conflictNext: (n) => (conflicts = n),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
