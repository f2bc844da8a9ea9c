import { getConfig } from '../config.ts';
import { UnavailableError } from '../domain/errors.ts';
import { log } from '../observability/log.ts';
import { type Relay, createRelay } from './relay.ts';
import type { Subscriber } from './local.ts';
import type { Transport } from './transport.ts';
import { transportFromConfig } from './transports.ts';

const config = getConfig();

let current: { relay: Relay; transport: Transport } | undefined;

/**
 * Starts this process's relay. The local host passes its event functions as the local transport's
 * subscribers; elsewhere the transport comes from EVENT_TRANSPORT alone.
 */
export async function startRelay(subscribers: Subscriber[] = []): Promise<Relay> {
  if (current) return current.relay;
  const transport = await transportFromConfig(subscribers);
  const relay = createRelay({ transport, batchSize: config.RELAY_BATCH_SIZE, maxBackoffMs: config.RELAY_MAX_BACKOFF_MS });
  current = { relay, transport };
  log.info({ transport: transport.name }, 'outbox relay started');
  relay.wake();
  return relay;
}

/**
 * The relay a lone function starts on its first commit. The local transport delivers to functions
 * of this process only, so a lone function never starts one: its events wait in the outbox for the
 * local host or `npm run relay`, rather than being published to nobody.
 */
export async function relayForThisProcess(): Promise<Relay> {
  if (current) return current.relay;
  if (config.EVENT_TRANSPORT === 'local') {
    throw new UnavailableError('relay_unavailable', 'with EVENT_TRANSPORT=local the outbox is relayed by the local host or npm run relay');
  }
  return startRelay();
}

export async function stopRelay(): Promise<void> {
  if (!current) return;
  const { relay, transport } = current;
  current = undefined;
  await relay.stop();
  await transport.close();
}
