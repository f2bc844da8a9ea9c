import { signal } from '@preact/signals';

// Live updates for every open tab with one poll between them. The sync client (shared/sync/
// client.ts: a held GET /api/sync loop with backoff) runs in one tab only, the leader: the tab that
// holds a Web Lock named after the user. It posts each page of changes and its state on a
// BroadcastChannel of the same name, and every tab, the leader included, applies them. When the
// leader closes, the lock passes to another tab, which starts its own client. So seven tabs hold
// one connection, not seven (browsers allow six per host over HTTP/1.1).

/** One change as GET /api/sync gives it (shared/domain/sync.ts). */
export interface Change {
  seq: number;
  entity: 'settings' | 'tag' | 'task' | 'reminder' | 'notification';
  id: string;
  op: 'upsert' | 'delete';
  data: unknown;
}

/** What the app needs of the sync client (shared/sync/client.ts's SyncClient). */
export interface SyncClientLike {
  start(): void;
  stop(): Promise<void>;
  online(): void;
}

export interface SyncClientOptions {
  baseUrl: string;
  token: () => string;
  onChange: (applied: Change[]) => void;
  onError: (err: unknown, pauseMs: number) => void;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

type Message = { type: 'changes'; changes: Change[] } | { type: 'state'; state: LiveState } | { type: 'hello' };

export interface LiveOptions {
  user: string;
  token: () => string;
  createClient: (options: SyncClientOptions) => SyncClientLike;
  onChanges: (changes: Change[]) => void;
  locks: Pick<LockManager, 'request'>;
  channel: (name: string) => Pick<BroadcastChannel, 'postMessage' | 'close'> & { onmessage: ((e: MessageEvent<Message>) => void) | null };
  baseUrl?: string;
  /** The browser's online state: false shows offline whatever the poll says. */
  isOnline?: () => boolean;
}

export function startLive({ user, token, createClient, onChanges, locks, channel: open, baseUrl = '', isOnline = () => true }: LiveOptions) {
  const state = signal<LiveState>(isOnline() ? 'connecting' : 'offline');
  const leader = signal(false);
  const name = `taskfn-sync:${user}`;
  const channel = open(name);
  const quit = new AbortController();
  let client: SyncClientLike | undefined;

  // A tab does not hear its own posts: the leader applies what it posts itself.
  const receive = (m: Message) => {
    if (m.type === 'changes') onChanges(m.changes);
    else if (m.type === 'state') state.value = isOnline() ? m.state : 'offline';
    // A tab that just opened asks the leader where things stand.
    else if (leader.value) channel.postMessage({ type: 'state', state: state.value });
  };
  channel.onmessage = (e) => receive(e.data);
  const post = (m: Message) => {
    receive(m);
    channel.postMessage(m);
  };
  channel.postMessage({ type: 'hello' });

  const held = locks
    .request(name, { signal: quit.signal }, async () => {
      leader.value = true;
      client = createClient({
        baseUrl,
        token,
        onChange: (changes) => {
          post({ type: 'changes', changes });
          if (state.value !== 'live') post({ type: 'state', state: 'live' });
        },
        onError: () => post({ type: 'state', state: 'reconnecting' }),
      });
      client.start();
      // Held until this tab stops (or closes, which releases every lock it holds).
      await new Promise<void>((resolve) => quit.signal.addEventListener('abort', () => resolve(), { once: true }));
      await client.stop();
    })
    .catch(() => undefined);

  return {
    state,
    leader,
    /** The browser's `online`/`offline` events. */
    networkChanged(online: boolean): void {
      if (!online) state.value = 'offline';
      else {
        if (state.value === 'offline') state.value = 'reconnecting';
        client?.online();
      }
    },
    async stop(): Promise<void> {
      quit.abort();
      await held;
      channel.close();
    },
  };
}

export type Live = ReturnType<typeof startLive>;
