import { allowlistProblems, parseIpAddress, PeerAllowlist } from './peer-allowlist';

describe('PeerAllowlist', () => {
  const allowlist = new PeerAllowlist(['203.0.113.7', '198.51.100.0/24', '2001:db8::/32', 'fe80::1']);

  it('allows an exact address and addresses inside a CIDR range', () => {
    expect(allowlist.allows('203.0.113.7')).toBe(true);
    expect(allowlist.allows('198.51.100.0')).toBe(true);
    expect(allowlist.allows('198.51.100.255')).toBe(true);
    expect(allowlist.allows('2001:db8:1234::5')).toBe(true);
    expect(allowlist.allows('fe80:0:0:0:0:0:0:1')).toBe(true);
  });

  it('refuses addresses just outside the ranges', () => {
    expect(allowlist.allows('203.0.113.8')).toBe(false);
    expect(allowlist.allows('198.51.101.0')).toBe(false);
    expect(allowlist.allows('2001:db9::1')).toBe(false);
    expect(allowlist.allows('127.0.0.1')).toBe(false);
    expect(allowlist.allows('::1')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 peer (a dual-stack listener) as its IPv4 address', () => {
    expect(allowlist.allows('::ffff:203.0.113.7')).toBe(true);
    expect(allowlist.allows('::ffff:198.51.100.9')).toBe(true);
    expect(allowlist.allows('::ffff:10.0.0.1')).toBe(false);
  });

  it('refuses an address it cannot parse instead of guessing', () => {
    expect(allowlist.allows('unknown')).toBe(false);
    expect(allowlist.allows('')).toBe(false);
  });

  it('allows everyone only when asked to with 0.0.0.0/0', () => {
    const open = new PeerAllowlist(['0.0.0.0/0']);
    expect(open.allows('8.8.8.8')).toBe(true);
    expect(open.allows('2001:db8::1')).toBe(false);
  });

  it('explains every unusable entry', () => {
    expect(allowlistProblems(['10.0.0.1', '10.0.0.256', '10.0.0.0/40', 'host.example', '1::2::3', '10.0.0.0/8/8'])).toEqual([
      '"10.0.0.256" is not an IPv4/IPv6 address or CIDR range',
      '"10.0.0.0/40": prefix length must be 0-32',
      '"host.example" is not an IPv4/IPv6 address or CIDR range',
      '"1::2::3" is not an IPv4/IPv6 address or CIDR range',
      '"10.0.0.0/8/8" is not an address or CIDR range',
    ]);
    expect(() => new PeerAllowlist(['nope'])).toThrow(/nope/);
  });

  it('parses the address forms sockets report', () => {
    expect(parseIpAddress('127.0.0.1')).toEqual({ family: 4, value: 0x7f000001n });
    expect(parseIpAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIpAddress('fe80::1%eth0')).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseIpAddress('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });
});
