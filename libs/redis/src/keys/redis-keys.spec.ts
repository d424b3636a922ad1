import { GuardKeys, REDIS_KEY_ROOT, RedisKeys } from './redis-keys';

describe('RedisKeys', () => {
  const prefixes = Object.values(RedisKeys);

  it('holds every prefix under the one root, each ending in a separator', () => {
    for (const prefix of prefixes) {
      expect(prefix.startsWith(REDIS_KEY_ROOT)).toBe(true);
      expect(prefix.endsWith(':')).toBe(true);
    }
    for (const part of Object.values(GuardKeys)) expect(part).toMatch(/^[a-z]+:$/);
  });

  it("gives each use its own space: no prefix is another one's beginning", () => {
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('holds the prefixes Parchee has always used, so upgrading leaves every key where it was', () => {
    expect(RedisKeys).toEqual({
      MO_SEEN: 'parchee:mo-seen:',
      MO_PARTS: 'parchee:mo-parts:',
      GUARD: 'parchee:guard:',
      ROLL: 'parchee:roll:',
      MT_SENT: 'parchee:mt:sent:',
      MT_CONCAT: 'parchee:mt:concat:',
      MT_STATUS: 'parchee:mt:status:',
      DLR: 'parchee:dlr:',
      TPS: 'parchee:tps:',
      USSD: 'parchee:ussd:',
      LEASE: 'parchee:lease:',
    });
    expect(GuardKeys).toEqual({ STATE: 'state:', BLOCK: 'block:', OPERATOR: 'operator:', REPLIES: 'replies:' });
  });
});
