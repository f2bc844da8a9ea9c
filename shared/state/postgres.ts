import { db } from '../db/client.ts';
import type { ChatMessage } from '../chat/messages.ts';
import { type ConversationStore, type StoreOptions, conversationKey, storedMessages } from './port.ts';

/**
 * Conversations in the task database: a row per conversation (chat_conversations) and a row per
 * message (chat_messages), so an append writes one turn, not the history. One statement appends:
 * it moves the conversation's last sequence number (restarting it when the conversation had
 * expired), inserts the messages after it and deletes those now past the cap. The conversation
 * row's lock orders racing turns, so none is lost. Errors are the database's own (503
 * database_unavailable when it is down): the state store is the database here.
 */
export function createPostgresStore({ ttlSeconds, maxMessages }: StoreOptions): ConversationStore {
  const sql = db();
  return {
    name: 'postgres',
    async load(userId, conversationId) {
      const rows = await sql<{ message: unknown }[]>`
        select m.message
        from chat_conversations c
        join chat_messages m on m.key = c.key
        where c.key = ${conversationKey(userId, conversationId)}
          and c.expires_at > now()
          and m.seq >= c.first_seq
          and m.seq > c.last_seq - ${maxMessages}
        order by m.seq`;
      return rows.length === 0 ? null : storedMessages.parse(rows.map((r) => r.message));
    },
    async append(userId, conversationId, messages: ChatMessage[]) {
      const key = conversationKey(userId, conversationId);
      const n = messages.length;
      const [conversation] = await sql<{ created: boolean }[]>`
        with conversation as (
          insert into chat_conversations as c (key, first_seq, last_seq, expires_at)
          values (${key}, 1, ${n}, now() + ${ttlSeconds} * interval '1 second')
          on conflict (key) do update
          set first_seq = case when c.expires_at > now() then c.first_seq else c.last_seq + 1 end,
            last_seq = c.last_seq + ${n},
            expires_at = excluded.expires_at
          returning first_seq, last_seq, xmax = 0 as created
        ),
        added as (
          insert into chat_messages (key, seq, message)
          select ${key}, conversation.last_seq - ${n} + x.i, x.m
          from conversation, jsonb_array_elements(${sql.json(messages as Parameters<typeof sql.json>[0])}) with ordinality as x(m, i)
        ),
        trimmed as (
          delete from chat_messages d
          using conversation
          where d.key = ${key}
            and (d.seq < conversation.first_seq or d.seq <= conversation.last_seq - ${maxMessages})
        )
        select created
        from conversation`;
      // A new conversation sweeps a few expired ones: the table shrinks as fast as it grows.
      if (conversation?.created) {
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
  };
}
