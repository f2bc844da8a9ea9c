import { db } from './client.ts';

/**
 * Deletes published outbox rows and consumer dedupe records older than `days`, at most `limit` of
 * each per call so a tick never holds long locks. Dedupe records outlive any redelivery Kafka or
 * Dapr would still attempt, so dropping them cannot let an old event take effect twice.
 */
export async function pruneOld(days: number, limit = 10_000): Promise<{ outbox: number; processed: number }> {
  const sql = db();
  const cutoff = new Date(Date.now() - days * 86_400_000);
  const outbox = await sql`
    delete from outbox
    where id in (
      select id
      from outbox
      where published_at < ${cutoff}
      order by published_at
      limit ${limit}
    )`;
  const processed = await sql`
    delete from processed_events
    where (consumer, event_id) in (
      select consumer, event_id
      from processed_events
      where processed_at < ${cutoff}
      order by processed_at
      limit ${limit}
    )`;
  return { outbox: outbox.count, processed: processed.count };
}
