import { setTimeout as wait } from 'node:timers/promises';
import { getConfig } from '../config.ts';
import { markFailed, notificationFor, recordAttempt } from '../db/notifications.ts';
import { getSettings } from '../db/settings.ts';
import type { NotificationRequested } from '../events/time-events.ts';
import { sendEmail } from './email.ts';
import { type Delivery, postWebhook } from './webhook.ts';

const config = getConfig();

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
}

const fromConfig = (): RetryPolicy => ({ maxAttempts: config.NOTIFY_MAX_ATTEMPTS, backoffMs: config.NOTIFY_BACKOFF_MS });

/** Exponential backoff with full jitter: retries of many failing receivers spread out instead of beating together. */
const backoff = (attempt: number, base: number) => Math.random() * Math.min(base * 2 ** (attempt - 1), 60_000);

async function attempt(n: NotificationRequested): Promise<Delivery> {
  if (n.channel === 'in_app') return { ok: true };
  const settings = await getSettings(n.user_id);
  if (n.channel === 'email') {
    if (!settings.email) return { ok: false, permanent: true, error: 'no email address in settings' };
    return sendEmail({ to: settings.email, subject: n.title, text: n.body });
  }
  if (!settings.webhook_url) return { ok: false, permanent: true, error: 'no webhook_url in settings' };
  const { notification_id: id, task_id, reminder_id, title, body, fire_at } = n;
  return postWebhook(settings.webhook_url, settings.webhook_secret, id, {
    id, type: 'reminder', title, body, task_id, reminder_id, fire_at, sent_at: new Date().toISOString(),
  });
}

/**
 * Delivers one notification, retrying with backoff up to the policy's limit and recording every
 * attempt. A redelivered request resumes from the recorded attempts and never re-sends one that
 * was delivered; a crash between a webhook's 2xx and its record can still send it twice, so
 * receivers dedupe on x-taskfn-notification-id.
 */
export async function deliver(n: NotificationRequested, policy: RetryPolicy = fromConfig()): Promise<'delivered' | 'failed' | 'done before'> {
  const progress = await notificationFor(n);
  if (progress.status !== 'pending') return 'done before';
  for (let i = progress.attempts + 1; i <= policy.maxAttempts; i++) {
    const result = await attempt(n);
    await recordAttempt(n.notification_id, i, result);
    if (result.ok) return 'delivered';
    if (result.permanent) break;
    if (i < policy.maxAttempts) await wait(backoff(i, policy.backoffMs));
  }
  await markFailed(n.notification_id, n.reminder_id);
  return 'failed';
}
