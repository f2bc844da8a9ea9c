import { getConfig } from '../config.ts';
import { createDaprStore } from './dapr.ts';
import type { ConversationStore } from './port.ts';
import { createPostgresStore } from './postgres.ts';
import { createUpstashStore } from './upstash.ts';

/** The conversation store CHAT_STATE names, made once per process. */
export function storeFromConfig(config = getConfig()): ConversationStore {
  const common = { ttlSeconds: config.CHAT_TTL_SECONDS, maxMessages: config.CHAT_HISTORY_MAX_MESSAGES };
  switch (config.CHAT_STATE) {
    case 'postgres':
      return createPostgresStore(common);
    case 'dapr':
      return createDaprStore({
        ...common,
        endpoint: config.DAPR_HTTP_ENDPOINT,
        store: config.DAPR_STATE_STORE,
        apiToken: config.DAPR_API_TOKEN,
        timeoutMs: config.CHAT_STATE_TIMEOUT_MS,
      });
    case 'upstash':
      return createUpstashStore({
        ...common,
        url: config.UPSTASH_REDIS_REST_URL!,
        token: config.UPSTASH_REDIS_REST_TOKEN!,
        timeoutMs: config.CHAT_STATE_TIMEOUT_MS,
      });
  }
}
