import { Redis } from '@upstash/redis';
import { log } from '../observability/log.ts';
import { type ConversationStore, type StoreOptions, StateUnavailableError, conversationKey, storedMessages } from './port.ts';

interface Options extends StoreOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * Conversations in Redis over Upstash's REST API (@upstash/redis), for runs without a sidecar. A
 * conversation is a Redis list of JSON messages: an append is RPUSH + LTRIM + EXPIRE in one
 * MULTI/EXEC, so racing turns both land, the list keeps the newest messages and the expiry is
 * renewed. Values are parsed here, not by the client, so that they go through the message schema.
 */
export function createUpstashStore({ url, token, timeoutMs, ttlSeconds, maxMessages }: Options): ConversationStore {
  const redis = new Redis({
    url,
    token,
    automaticDeserialization: false,
    enableTelemetry: false,
    // The client's default of five retries would hold a turn for seconds while Redis is down.
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeoutMs),
  });

  async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      log.warn({ err }, `upstash ${what} failed`);
      throw new StateUnavailableError();
    }
  }

  return {
    name: 'upstash',
    async load(userId, conversationId) {
      const items = await guarded('load', () => redis.lrange<string>(conversationKey(userId, conversationId), 0, -1));
      return items.length === 0 ? null : storedMessages.parse(items.map((m) => JSON.parse(m) as unknown));
    },
    async append(userId, conversationId, messages) {
      const key = conversationKey(userId, conversationId);
      await guarded('append', () =>
        redis
          .multi()
          .rpush(key, ...messages.map((m) => JSON.stringify(m)))
          .ltrim(key, -maxMessages, -1)
          .expire(key, ttlSeconds)
          .exec(),
      );
    },
    async remove(userId, conversationId) {
      return (await guarded('remove', () => redis.del(conversationKey(userId, conversationId)))) > 0;
    },
  };
}
