import { sql } from '../db/client.ts';
import { log } from '../observability/log.ts';

export interface DeadLetter {
  consumer: string;
  topic: string;
  eventId?: string | undefined;
  reason: string;
  payload: unknown;
}

/** Keeps an event a consumer gave up on, with why, so it can be inspected and replayed. */
export async function recordDeadLetter({ consumer, topic, eventId, reason, payload }: DeadLetter): Promise<void> {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  await sql`
    insert into dead_letters (consumer, topic, event_id, reason, payload)
    values (${consumer}, ${topic}, ${eventId ?? null}, ${reason.slice(0, 2000)}, ${text.replaceAll('\u0000', '')})`;
  log.warn({ consumer, topic, eventId, reason }, 'event dead-lettered');
}

/** A poison event: no retry can fix it and retrying would block the events behind it, so keep it and drop it. */
export async function dropPoison(consumer: string, topic: string, raw: unknown, reason: string): Promise<'DROP'> {
  const eventId = (raw as { id?: unknown } | null)?.id;
  await recordDeadLetter({ consumer, topic, eventId: typeof eventId === 'string' ? eventId : undefined, reason, payload: raw });
  return 'DROP';
}
