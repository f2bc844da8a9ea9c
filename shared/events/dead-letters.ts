import { db } from '../db/client.ts';
import { log } from '../observability/log.ts';

export interface DeadLetter {
  consumer: string;
  topic: string;
  eventId?: string | undefined;
  reason: string;
  payload: unknown;
}

/**
 * What is kept of one payload at most. A dead letter is for a person to read and a poison event
 * can be as large as a request body (1 MiB): a flood of junk must not fill the table.
 */
export const maxStoredPayloadBytes = 16 * 1024;

/** The payload as stored: whole when small, else its first bytes and a marker with the original size. */
export function storedPayload(payload: unknown): string {
  const text = (typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? String(payload))).replaceAll('\u0000', '');
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxStoredPayloadBytes) return text;
  // Cut on a character, never inside one: the column is text and must stay valid UTF-8.
  const head = new TextDecoder().decode(Buffer.from(text).subarray(0, maxStoredPayloadBytes)).replace(/\uFFFD$/, '');
  return `${head}\n[truncated by taskfn: ${bytes} bytes, the first ${maxStoredPayloadBytes} kept]`;
}

/** Keeps an event a consumer gave up on, with why, so it can be inspected and replayed. */
export async function recordDeadLetter({ consumer, topic, eventId, reason, payload }: DeadLetter): Promise<void> {
  const sql = db();
  await sql`
    insert into dead_letters (consumer, topic, event_id, reason, payload)
    values (${consumer}, ${topic}, ${eventId?.slice(0, 200) ?? null}, ${reason.slice(0, 2000)}, ${storedPayload(payload)})`;
  log.warn({ consumer, topic, eventId: eventId?.slice(0, 200), reason: reason.slice(0, 200) }, 'event dead-lettered');
}

/** A poison event: no retry can fix it and retrying would block the events behind it, so keep it and drop it. */
export async function dropPoison(consumer: string, topic: string, raw: unknown, reason: string): Promise<'DROP'> {
  const eventId = (raw as { id?: unknown } | null)?.id;
  await recordDeadLetter({ consumer, topic, eventId: typeof eventId === 'string' ? eventId : undefined, reason, payload: raw });
  return 'DROP';
}
