import { getConfig } from '../config.ts';
import { log } from '../observability/log.ts';
import type { Delivery } from './webhook.ts';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends through the Dapr output binding named DAPR_EMAIL_BINDING (SMTP or SendGrid, configured
 * under dapr/): both read `emailTo` and `subject` from the request metadata. Locally the email is
 * written to the log instead.
 */
export async function sendEmail(email: Email): Promise<Delivery> {
  const config = getConfig();
  if (config.EMAIL_TRANSPORT === 'log') {
    log.info({ email }, 'email (EMAIL_TRANSPORT=log: written here, not sent)');
    return { ok: true };
  }
  try {
    const res = await fetch(`${config.DAPR_HTTP_ENDPOINT}/v1.0/bindings/${encodeURIComponent(config.DAPR_EMAIL_BINDING)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.DAPR_API_TOKEN ? { 'dapr-api-token': config.DAPR_API_TOKEN } : {}) },
      body: JSON.stringify({ operation: 'create', data: email.text, metadata: { emailTo: email.to, subject: email.subject } }),
      signal: AbortSignal.timeout(config.NOTIFY_TIMEOUT_MS),
    });
    const detail = res.ok ? '' : (await res.text()).slice(0, 300);
    return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `binding answered ${res.status} ${detail}` };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 500) };
  }
}
