import type { ChatMessage } from '../chat/messages.ts';
import { log } from '../observability/log.ts';
import { type ConversationStore, type StoreOptions, StateUnavailableError, conversationKey, storedMessages } from './port.ts';

interface Options extends StoreOptions {
  endpoint: string;
  store: string;
  apiToken?: string | undefined;
  timeoutMs: number;
  /** Appends retried after an ETag conflict before giving up. */
  attempts?: number;
}

/**
 * Conversations in a Dapr state store through the sidecar's state API
 * (https://docs.dapr.io/reference/api/state_api/). Each conversation is one value `{messages}`.
 * An append reads the value and its ETag and writes it back with that ETag under first-write
 * concurrency; a concurrent writer makes the sidecar answer 409, and the append starts over from a
 * fresh read, so racing turns both keep their messages. A new conversation is written without an
 * ETag, which first-write turns into "only if absent" on stores that support it; a lost race there
 * ends in the same 409 and retry. `ttlInSeconds` rides on each write, renewing the expiry.
 */
export function createDaprStore({ endpoint, store, apiToken, timeoutMs, ttlSeconds, maxMessages, attempts = 20 }: Options): ConversationStore {
  const base = `${endpoint.replace(/\/$/, '')}/v1.0/state/${encodeURIComponent(store)}`;
  const headers = { 'content-type': 'application/json', ...(apiToken ? { 'dapr-api-token': apiToken } : {}) };

  async function call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      log.warn({ err }, 'dapr state API unreachable');
      throw new StateUnavailableError();
    }
  }

  async function failed(res: Response, what: string): Promise<never> {
    log.warn({ status: res.status, body: (await res.text()).slice(0, 300) }, `dapr state ${what} failed`);
    throw new StateUnavailableError();
  }

  async function read(key: string): Promise<{ messages: ChatMessage[]; etag: string | null } | null> {
    const res = await call(`${base}/${encodeURIComponent(key)}`, { method: 'GET' });
    if (res.status === 204) return null;
    if (res.status !== 200) return failed(res, 'get');
    const value = (await res.json()) as { messages?: unknown };
    return { messages: storedMessages.parse(value.messages), etag: res.headers.get('etag') };
  }

  return {
    name: 'dapr',
    async load(userId, conversationId) {
      return (await read(conversationKey(userId, conversationId)))?.messages ?? null;
    },
    async append(userId, conversationId, messages) {
      const key = conversationKey(userId, conversationId);
      for (let attempt = 1; ; attempt++) {
        const current = await read(key);
        const value = { messages: [...(current?.messages ?? []), ...messages].slice(-maxMessages) };
        const item = {
          key,
          value,
          ...(current?.etag ? { etag: current.etag } : {}),
          options: { concurrency: 'first-write', consistency: 'strong' },
          metadata: { ttlInSeconds: String(ttlSeconds) },
        };
        const res = await call(base, { method: 'POST', body: JSON.stringify([item]) });
        if (res.status === 204 || res.status === 200) return;
        if (res.status !== 409 || attempt >= attempts) return failed(res, 'save');
        await res.body?.cancel();
        // Jittered, so that two racing writers do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    },
    async remove(userId, conversationId) {
      const key = conversationKey(userId, conversationId);
      const existed = (await read(key)) !== null;
      const res = await call(`${base}/${encodeURIComponent(key)}`, { method: 'DELETE' });
      if (res.status !== 204 && res.status !== 200) return failed(res, 'delete');
      return existed;
    },
  };
}
