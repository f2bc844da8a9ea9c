import { getConfig } from '../config.ts';
import { claimDue, claimRequested, recordAttempt } from '../db/notifications.ts';
import { getSettings } from '../db/settings.ts';
import type { NotificationRequested } from '../events/time-events.ts';
import { log } from '../observability/log.ts';
import { sendEmail } from './email.ts';
import { nextAttemptAt } from './schedule.ts';
import { type Delivery, postWebhook } from './webhook.ts';

export type Outcome = 'delivered' | 'retrying' | 'failed' | 'done before';

async function send(n: NotificationRequested): Promise<Delivery> {
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

/** An attempt in progress holds its notification this long: past it, a crash mid-attempt is retried. */
const lease = (now: Date) => new Date(now.getTime() + getConfig().NOTIFY_TIMEOUT_MS + 60_000);

/** Attempt number `attempt` of a claimed notification, recorded with what comes next. */
async function attempt(n: NotificationRequested, attempt: number, now: Date): Promise<Outcome> {
  const started = performance.now();
  let result: Delivery;
  try {
    result = await send(n);
  } catch (err) {
    result = { ok: false, error: (err as Error).message.slice(0, 500) };
  }
  const next = nextAttemptAt(attempt, result, now);
  await recordAttempt(n.notification_id, attempt, result, Math.round(performance.now() - started), next, n.reminder_id);
  return result.ok ? 'delivered' : next ? 'retrying' : 'failed';
}

/**
 * The first attempt of a requested notification, made at once; the retries are the tick's
 * (retryDueNotifications), on a schedule of hours that no event handler could wait through. A
 * redelivered request never re-sends one already attempted; a crash between a webhook's 2xx and
 * its record can still send it twice, so receivers dedupe on x-taskfn-notification-id.
 */
export async function deliver(n: NotificationRequested, now = new Date()): Promise<Outcome> {
  const done = await claimRequested(n, now, lease(now));
  if (done === null) return 'done before';
  return attempt(n, done + 1, now);
}

/**
 * The tick's part: the next attempt of every notification due at `now`, at most `limit` of them,
 * side by side (so one tick lasts about one NOTIFY_TIMEOUT_MS); the rest wait for the next tick.
 */
export async function retryDueNotifications(now: Date, limit = getConfig().NOTIFY_RETRY_BATCH_SIZE): Promise<number> {
  const due = await claimDue(now, lease(now), limit);
  const outcomes = await Promise.all(due.map((n) => attempt(n, n.attempts + 1, now)));
  due.forEach((n, i) => {
    if (outcomes[i] === 'failed') log.warn({ notification: n.notification_id, channel: n.channel, attempts: n.attempts + 1 }, 'notification failed: retries spent or refused');
  });
  if (due.length === limit) log.info({ limit }, 'notification retries: batch full, the rest wait for the next tick');
  return due.length;
}
