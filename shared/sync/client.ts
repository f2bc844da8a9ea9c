import type { SyncChange, SyncEntity, SyncPage } from '../domain/sync.ts';

// The client side of live sync, for the web app or any other JavaScript client: no DOM, only
// fetch. It keeps a mirror of the user's entities: a snapshot first, then polls held by the server
// with the cursor it was given; on errors it backs off with jitter, and `online()` (the browser's
// `online` event) makes it try again at once. Its cursor is its only position: a restart of the
// server, or of the client with the cursor kept, resumes without loss.

/** What the mirror holds of one entity: its data (null once deleted) and the change it came from. */
export interface Held {
  seq: number;
  data: SyncChange['data'];
}

export type Mirror = Map<string, Held>;

export const keyOf = (entity: SyncEntity, id: string) => `${entity}:${id}`;

/**
 * Applies a change if it is newer than what the mirror holds of that entity (a delete is kept as
 * a tombstone, so an older upsert arriving late cannot bring the entity back). Answers whether it
 * did.
 */
export function applyChange(mirror: Mirror, change: SyncChange): boolean {
  const key = keyOf(change.entity, change.id);
  const held = mirror.get(key);
  if (held && held.seq >= change.seq) return false;
  mirror.set(key, { seq: change.seq, data: change.op === 'delete' ? null : change.data });
  return true;
}

/** Full jitter: a random pause up to min(cap, base * 2^(failures - 1)) (AWS's "exponential backoff and jitter"). */
export const backoffMs = (failures: number, baseMs: number, maxMs: number, random: () => number): number =>
  random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));

export interface SyncClientOptions {
  baseUrl: string;
  token: () => string | Promise<string>;
  fetch?: typeof fetch;
  /** Seconds a poll may be held by the server. */
  waitSeconds?: number;
  limit?: number;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  /** Called with the changes that were applied, after each page. */
  onChange?: (applied: SyncChange[]) => void;
  /** Called with each failure before the pause that follows it. */
  onError?: (err: unknown, pauseMs: number) => void;
}

export interface SyncClient {
  start(): void;
  stop(): Promise<void>;
  /** The network is back: stop any pause and poll now. */
  online(): void;
  /** The live entities of a kind, as their own GET answers them. */
  all(entity: SyncEntity): unknown[];
  readonly cursor: string | undefined;
}

export function createSyncClient({
  baseUrl,
  token,
  fetch: get = fetch,
  waitSeconds = 25,
  limit = 500,
  backoff = { baseMs: 500, maxMs: 30_000 },
  random = Math.random,
  onChange,
  onError,
}: SyncClientOptions): SyncClient {
  let mirror: Mirror = new Map();
  let cursor: string | undefined;
  // While a snapshot is being read (at first, or after 410), it builds a mirror of its own.
  let fresh: Mirror | undefined;
  let running: Promise<void> | undefined;
  let stopping: AbortController | undefined;
  let wakePause: (() => void) | undefined;

  async function fetchPage(signal: AbortSignal): Promise<SyncPage | 'expired'> {
    const query = cursor === undefined ? `limit=${limit}` : `cursor=${encodeURIComponent(cursor)}&limit=${limit}&wait=${fresh ? 0 : waitSeconds}`;
    const res = await get(`${baseUrl}/api/sync?${query}`, { headers: { authorization: `Bearer ${await token()}` }, signal });
    if (res.status === 410) return 'expired';
    if (!res.ok) throw new Error(`GET /api/sync answered ${res.status}`);
    return (await res.json()) as SyncPage;
  }

  function pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wakePause = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      wakePause = done;
    });
  }

  async function loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (cursor === undefined) fresh ??= new Map();
        const page = await fetchPage(signal);
        if (page === 'expired') {
          cursor = undefined;
          continue;
        }
        const target = fresh ?? mirror;
        const applied = page.changes.filter((change) => applyChange(target, change));
        cursor = page.cursor;
        failures = 0;
        if (fresh && !page.more) {
          // The snapshot is whole: it replaces what was held, dropping what no longer exists.
          mirror = fresh;
          fresh = undefined;
        }
        if (applied.length > 0) onChange?.(applied);
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        const ms = backoffMs(failures, backoff.baseMs, backoff.maxMs, random);
        onError?.(err, ms);
        await pause(ms, signal);
      }
    }
  }

  return {
    start() {
      if (running) return;
      stopping = new AbortController();
      running = loop(stopping.signal);
    },
    async stop() {
      stopping?.abort();
      await running;
      running = undefined;
    },
    online() {
      wakePause?.();
    },
    all(entity) {
      return [...mirror.entries()].filter(([key, held]) => key.startsWith(`${entity}:`) && held.data !== null).map(([, held]) => held.data);
    },
    get cursor() {
      return cursor;
    },
  };
}
