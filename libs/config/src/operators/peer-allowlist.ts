/**
 * Which peer addresses may bind to a server-mode link: single addresses or CIDR ranges, IPv4 or
 * IPv6. Written without node:net (config must not depend on socket modules) so the same parser
 * validates the file at boot and decides binds at run time.
 */

interface Range {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  // A zone id (fe80::1%eth0) names an interface, not part of the address.
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) is the last two groups written in dotted form.
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const rest = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === undefined || rest === undefined) return undefined;
  const tail = rest;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = [...head, ...tail];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** An IPv4 or IPv6 address; an IPv4-mapped IPv6 address (::ffff:10.0.0.1, as a dual-stack listener reports it) counts as IPv4. */
export function parseIpAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!text.includes(':')) return undefined;
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === V4_MAPPED_PREFIX >> 32n) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function parseRange(entry: string): Range | string {
  const [address, prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined) return `"${entry}" is not an address or CIDR range`;
  const parsed = parseIpAddress(address);
  if (!parsed) return `"${entry}" is not an IPv4/IPv6 address or CIDR range`;
  const bits = parsed.family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return `"${entry}": prefix length must be 0-${bits}`;
    prefix = Number(prefixText);
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: parsed.family, base: parsed.value & mask, prefix };
}

/** Why each entry of an allowlist is unusable; empty when all are fine. */
export function allowlistProblems(entries: readonly string[]): string[] {
  return entries.map(parseRange).filter((r): r is string => typeof r === 'string');
}

export class PeerAllowlist {
  private readonly ranges: Range[];

  /** Throws on an entry that is neither an address nor a CIDR range (config validation reports these first). */
  constructor(entries: readonly string[]) {
    this.ranges = entries.map((entry) => {
      const range = parseRange(entry);
      if (typeof range === 'string') throw new Error(range);
      return range;
    });
  }

  /** Whether a peer address (as a socket reports it) falls in one of the ranges. Unparseable addresses never do. */
  allows(remoteAddress: string): boolean {
    const address = parseIpAddress(remoteAddress);
    if (!address) return false;
    const bits = address.family === 4 ? 32 : 128;
    return this.ranges.some((range) => {
      if (range.family !== address.family) return false;
      const mask = range.prefix === 0 ? 0n : ((1n << BigInt(range.prefix)) - 1n) << BigInt(bits - range.prefix);
      return (address.value & mask) === range.base;
    });
  }
}
