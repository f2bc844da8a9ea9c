import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type Config, getConfig } from '../config.ts';
import { type Network, RefusedAddress, checkedAddress, systemNetwork } from './network.ts';

export interface Delivery {
  ok: boolean;
  /** A failure no retry can fix (a refused address, a 4xx such as 410 Gone): give up at once. */
  permanent?: boolean;
  status?: number;
  error?: string;
  /** The receiver's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the user's webhook
 * secret, hex, as `x-taskfn-signature: v1=<hex>`. The timestamp is signed so a captured delivery
 * cannot be replayed later; receivers should refuse timestamps older than a few minutes.
 */
export const signature = (secret: string, timestamp: string, body: string) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

export interface WebhookOptions {
  /** Loopback and private receivers (local development); refused in production by default (SSRF). */
  allowPrivate: boolean;
  timeoutMs: number;
  network: Network;
}

export const webhookOptions = (config: Config, network: Network = systemNetwork): WebhookOptions => ({
  allowPrivate: (config.WEBHOOK_ALLOW_PRIVATE ?? (config.NODE_ENV === 'production' ? 'false' : 'true')) === 'true',
  timeoutMs: config.NOTIFY_TIMEOUT_MS,
  network,
});

// A 4xx says the request itself is wrong, except a timeout (408) and a rate limit (429).
const permanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from now. */
function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

const rejectOnAbort = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));

/** POSTs `body` over a connection to `address`, the checked one; the Host header and TLS name stay the URL's. */
function post(url: URL, address: string, headers: Record<string, string>, body: string, o: WebhookOptions, signal: AbortSignal) {
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (secure ? 443 : 80);
  return new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      defaultPort: secure ? 443 : 80, // no agent to say so: keeps :80 out of the Host header
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      signal,
      createConnection: () => {
        const socket = o.network.dial(address, port);
        // SNI takes names only (RFC 6066); the certificate is checked against `host` either way.
        return secure ? tlsConnect({ socket, host, ...(isIP(host) ? {} : { servername: host }) }) : socket;
      },
    }, (res) => {
      res.resume(); // the answer's body is not read: only the status counts
      resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function postWebhook(
  target: string,
  secret: string,
  notificationId: string,
  payload: unknown,
  options: WebhookOptions = webhookOptions(getConfig()),
): Promise<Delivery> {
  // A timer of our own, not AbortSignal.timeout(): that one is unref'd, and a lookup that never
  // answers would then hold the attempt for as long as something else keeps the process alive.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
  const { signal } = timeout;
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, permanent: true, error: `refused: ${url.protocol} is not http or https` };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const address = await Promise.race([checkedAddress(host, options.network, options.allowPrivate), rejectOnAbort(signal)]);
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await post(url, address, {
      'content-type': 'application/json',
      'user-agent': 'taskfn-notify',
      'x-taskfn-notification-id': notificationId,
      'x-taskfn-timestamp': timestamp,
      'x-taskfn-signature': signature(secret, timestamp, body),
    }, body, options, signal);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const after = retryAfter(res.retryAfter);
    return {
      ok: false,
      status: res.status,
      error: `HTTP ${res.status}`,
      ...(permanentStatus(res.status) ? { permanent: true } : {}),
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    };
  } catch (err) {
    if (err instanceof RefusedAddress) return { ok: false, permanent: true, error: err.message };
    if (signal.aborted) return { ok: false, error: (signal.reason as Error).message };
    return { ok: false, error: (err as Error).message.slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}
