import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { getConfig } from '../config.ts';

const config = getConfig();

export interface Delivery {
  ok: boolean;
  /** A failure no retry can fix (a refused address): give up at once. */
  permanent?: boolean;
  status?: number;
  error?: string;
}

/**
 * The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the user's webhook
 * secret, hex, as `x-taskfn-signature: v1=<hex>`. The timestamp is signed so a captured delivery
 * cannot be replayed later; receivers should refuse timestamps older than a few minutes.
 */
export const signature = (secret: string, timestamp: string, body: string) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

// Loopback, private, link-local (cloud metadata) and other non-public ranges: a user's webhook must
// not reach into the cluster.
const internal = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::1', 128], ['::', 128], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) internal.addSubnet(net, bits, 'ipv6');

const allowPrivate = () => (config.WEBHOOK_ALLOW_PRIVATE ?? (config.NODE_ENV === 'production' ? 'false' : 'true')) === 'true';

async function refusedAddress(url: URL): Promise<string | null> {
  if (allowPrivate()) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  const bad = addresses.find((a) => internal.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'));
  return bad ? `refused: ${host} resolves to a non-public address` : null;
}

export async function postWebhook(target: string, secret: string, notificationId: string, payload: unknown): Promise<Delivery> {
  const url = new URL(target);
  try {
    const refused = await refusedAddress(url);
    if (refused) return { ok: false, permanent: true, error: refused };
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'taskfn-notify',
        'x-taskfn-notification-id': notificationId,
        'x-taskfn-timestamp': timestamp,
        'x-taskfn-signature': signature(secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.NOTIFY_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 500) };
  }
}
