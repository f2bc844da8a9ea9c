import { lookup } from 'node:dns/promises';
import { type Socket, connect, isIP } from 'node:net';
import { nonPublic } from './addresses.ts';

/**
 * How a webhook reaches its receiver: the resolver and the TCP dial, the only two steps that touch
 * the network. Production uses the system's; tests pass their own to make a "public" address
 * reach a local server, or a name resolve differently each time.
 */
export interface Network {
  resolve(host: string): Promise<{ address: string; family: number }[]>;
  dial(address: string, port: number): Socket;
}

export const systemNetwork: Network = {
  resolve: (host) => lookup(host, { all: true }),
  dial: (address, port) => connect({ host: address, port }),
};

/** A webhook's host resolves to an address it may not reach: no retry will change that. */
export class RefusedAddress extends Error {
  override name = 'RefusedAddress';
}

/**
 * The one address a webhook connects to. The host is resolved once, here, and the caller dials
 * the address returned, never the name again: a name that answers a public address to the check
 * and a private one to the connect (DNS rebinding) cannot slip through. Any non-public answer
 * refuses the host, not just that answer.
 */
export async function checkedAddress(host: string, network: Network, allowPrivate: boolean): Promise<string> {
  const addresses = isIP(host) ? [host] : (await network.resolve(host)).map((a) => a.address);
  if (!addresses[0]) throw new Error(`${host} has no address`);
  if (!allowPrivate) {
    for (const address of addresses) {
      const why = nonPublic(address);
      if (why) throw new RefusedAddress(`refused: ${host} resolves to a non-public address (${address}: ${why})`);
    }
  }
  return addresses[0];
}
