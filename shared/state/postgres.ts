import { sql } from '../db/client.ts';
import type { ChatMessage } from '../chat/messages.ts';
import { type ConversationStore, type StoreOptions, conversationKey, storedMessages } from './port.ts';

/**
 * Conversations in the task database (table chat_conversations). One statement appends, trims to
 * the newest messages and renews the expiry; its row lock orders racing turns, so none is lost.
 * Errors are the database's own (a 503 database_unavailable when it is down): the state store is
 * the database here.
 */
export function createPostgresStore({ ttlSeconds, maxMessages }: StoreOptions): ConversationStore {
  return {
    name: 'postgres',
    async load(userId, conversationId) {
      const [row] = await sql<{ messages: unknown }[]>`
        select messages
        from chat_conversations
        where key = ${conversationKey(userId, conversationId)}
          and expires_at > now()`;
      return row ? storedMessages.parse(row.messages) : null;
    },
    async append(userId, conversationId, messages: ChatMessage[]) {
      const fresh = sql.json(messages as Parameters<typeof sql.json>[0]);
      const [created] = await sql<{ created: boolean }[]>`
        insert into chat_conversations (key, messages, expires_at)
        values (${conversationKey(userId, conversationId)}, ${fresh}, now() + ${ttlSeconds} * interval '1 second')
        on conflict (key) do update
        set messages = (
            select coalesce(jsonb_agg(e.m order by e.i), '[]'::jsonb)
            from (
              select x.m, x.i, count(*) over () as n
              from jsonb_array_elements(
                case when chat_conversations.expires_at > now() then chat_conversations.messages else '[]'::jsonb end
                || excluded.messages
              ) with ordinality as x(m, i)
            ) e
            where e.i > e.n - ${maxMessages}
          ),
          expires_at = excluded.expires_at
        returning xmax = 0 as created`;
      // A new conversation sweeps a few expired ones: the table shrinks as fast as it grows.
      if (created?.created) {
        await sql`
          delete from chat_conversations
          where key in (
            select key
            from chat_conversations
            where expires_at < now()
            limit 10
          )`;
      }
    },
    async remove(userId, conversationId) {
      const rows = await sql`
        delete from chat_conversations
        where key = ${conversationKey(userId, conversationId)}
        returning expires_at > now() as live`;
      return rows.some((r) => r.live === true);
    },
    close: () => Promise.resolve(),
  };
}
