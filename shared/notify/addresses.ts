import { isIPv4, isIPv6 } from 'node:net';

// Where a user's webhook may connect: public unicast addresses only, so a webhook cannot reach into
// the cluster, the cloud's metadata service or anything else not meant for the internet. The
// blocks are the IANA special-purpose registries that are not globally reachable
// (https://www.iana.org/assignments/iana-ipv4-special-registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry), plus multicast and, for IPv6,
// everything outside 2000::/3, the only space allocated for global unicast (RFC 4291 §2.4).
// Written out rather than with node:net's BlockList: a BlockList rule for ::ffff:0:0/96 also
// matches every IPv4 address, which refused every IPv4 webhook in production.

type Block = readonly [network: string, bits: number, name: string];

const ipv4Blocks: readonly Block[] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  // Holds a few globally reachable /32s (192.0.0.9, 192.0.0.10): none a webhook needs.
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation (TEST-NET-1)'],
  ['192.88.99.0', 24, '6to4 relay anycast (deprecated)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation (TEST-NET-2)'],
  ['203.0.113.0', 24, 'documentation (TEST-NET-3)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

const ipv6Blocks: readonly Block[] = [
  ['::1', 128, 'loopback'],
  ['::', 128, 'unspecified'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::', 48, 'local-use IPv4/IPv6 translation'],
  ['100::', 64, 'discard-only'],
  ['100:0:0:1::', 64, 'dummy prefix'],
  // Teredo, benchmarking, ORCHID and others; a few sub-blocks are global, none a webhook needs.
  ['2001::', 23, 'IETF protocol assignments'],
  ['2001:db8::', 32, 'documentation'],
  // Carries an IPv4 address, but through relays anyone can run (RFC 7526 deprecated them).
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing (SRv6) SIDs'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
  ['::', 3, 'not global unicast'],
  ['4000::', 2, 'not global unicast'],
  ['8000::', 1, 'not global unicast'],
];

// IPv6 forms of an IPv4 destination: judged by the IPv4 address they carry. NAT64 (RFC 6052) is
// how an IPv6-only cluster reaches IPv4-only hosts, so it is unwrapped rather than refused.
const ipv4Inside: readonly Block[] = [
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['64:ff9b::', 96, 'NAT64'],
];

const ipv4Bits = (text: string): bigint => text.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);

function ipv6Bits(text: string): bigint {
  let s = text.split('%')[0]!; // a zone (fe80::1%eth0) is no part of the address
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = ipv4Bits(dotted[1]!);
    s = `${s.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return all.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const matches = (bits: bigint, width: number, toBits: (s: string) => bigint) => ([network, prefix]: Block) =>
  bits >> BigInt(width - prefix) === toBits(network) >> BigInt(width - prefix);

/** Why `address` is not a public unicast address (a block's name), or null when it is one. */
export function nonPublic(address: string): string | null {
  if (isIPv4(address)) {
    return ipv4Blocks.find(matches(ipv4Bits(address), 32, ipv4Bits))?.[2] ?? null;
  }
  if (!isIPv6(address)) return 'not an IP address';
  const bits = ipv6Bits(address);
  const wrapper = ipv4Inside.find(matches(bits, 128, ipv6Bits));
  if (wrapper) {
    const v4 = bits & 0xffffffffn;
    const inner = [24n, 16n, 8n, 0n].map((shift) => String((v4 >> shift) & 0xffn)).join('.');
    const why = nonPublic(inner);
    return why && `${wrapper[2]} ${inner}: ${why}`;
  }
  return ipv6Blocks.find(matches(bits, 128, ipv6Bits))?.[2] ?? null;
}
