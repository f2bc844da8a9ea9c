import { randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { timeEvent } from '../shared/events/time-events.ts';
import { request } from './helpers.ts';

/** A notification.requested event as reminder-fire writes it. */
export function requested(user: string, channel: 'in_app' | 'webhook' | 'email', extra: { reminder_id?: string | null } = {}) {
  return timeEvent('com.taskfn.notification.requested', 'test', {
    user_id: user, notification_id: randomUUID(), channel, reminder_id: extra.reminder_id ?? null, task_id: null,
    title: 'Reminder: water the plants', body: '"water the plants" is due now.', fire_at: new Date().toISOString(),
  }).event;
}

/** Delivers an event to notify as a Dapr sidecar would (structured CloudEvent). */
export const deliver = (base: string, event: unknown, headers: Record<string, string> = {}) =>
  request(base, 'POST', '/events/notify', { body: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = number | { status: number; headers: Record<string, string> };

/**
 * A real HTTP webhook receiver on loopback answering each request with the next of `answers`
 * (the last one repeats); `answers` may be changed while it runs (a receiver coming back).
 */
export async function receiver(answers: Answer[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      if (typeof answer === 'number') res.writeHead(answer).end();
      else res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, port, received, answers };
}
