import { CLUSTER_SLOTS, groupBySlot, keySlot } from './key-slot';

describe('keySlot', () => {
  it('answers what Redis 7.0 CLUSTER KEYSLOT answers, hash tags included', () => {
    // Each pair read from `redis-cli cluster keyslot <key>` on the local cluster (Redis 7.0.15).
    const answers: Array<[string, number]> = [
      ['foo', 12182],
      ['123456789', 12739],
      ['{user1000}.following', 3443],
      ['{user1000}.followers', 3443],
      ['foo{}{bar}', 8363], // an empty tag is no tag: the whole key is hashed
      ['foo{{bar}}zap', 4015], // the tag is `{bar`: from the first { to the first } after it
      ['foo{bar}{zap}', 5061], // only the first tag counts
      ['parchee:mo-seen:abc', 9475],
      ['ünï', 9441], // bytes, not characters
    ];
    expect(answers.map(([key]) => [key, keySlot(key)])).toEqual(answers);
  });

  it('gives keys with the same tag the same slot, and reads a Buffer as its bytes', () => {
    expect(keySlot('parchee:lease:{ufone:rx}:members')).toBe(keySlot('parchee:lease:{ufone:rx}:3'));
    expect(keySlot('ufone:rx')).toBe(keySlot('parchee:lease:{ufone:rx}:3'));
    expect(keySlot(Buffer.from('ünï', 'utf8'))).toBe(keySlot('ünï'));
  });

  it('spreads keys without a tag evenly over the three masters of a cluster', () => {
    // redis-cli --cluster create gives three masters 0-5460, 5461-10922 and 10923-16383.
    const perMaster = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const slot = keySlot(`parchee:mt:sent:${i}`);
      expect(slot).toBeLessThan(CLUSTER_SLOTS);
      perMaster[slot < 5461 ? 0 : slot < 10923 ? 1 : 2]++;
    }
    for (const keys of perMaster) expect(keys).toBeGreaterThan(900);
  });
});

describe('groupBySlot', () => {
  it('groups positions by slot, each group in key order, groups in order of their first key', () => {
    const keys = ['a{1}', 'b{2}', 'c{1}', 'd{3}', 'e{2}', 'f{1}'];
    expect(groupBySlot(keys)).toEqual([[0, 2, 5], [1, 4], [3]]);
    expect(groupBySlot([])).toEqual([]);
  });
});
