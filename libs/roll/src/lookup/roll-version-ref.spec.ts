import { RollCache } from './roll-cache';
import { rollCacheNamespace } from './roll-version-ref';

describe('rollCacheNamespace', () => {
  it('names a version by its id and the first 12 hex digits of its cache id', () => {
    expect(rollCacheNamespace({ id: 3, cacheId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })).toBe('v3-1a2b3c4d5e6f');
  });

  it('gives the same version id of two rolls different cache keys', () => {
    const cache = new RollCache({} as never);
    const a = cache.key({ id: 1, cacheId: '11111111-1111-4111-8111-111111111111' }, 'hash');
    const b = cache.key({ id: 1, cacheId: '22222222-2222-4222-8222-222222222222' }, 'hash');
    expect(a).toBe('parchee:roll:v1-111111111111:hash');
    expect(b).not.toBe(a);
  });
});
