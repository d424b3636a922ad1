import { RedisConcatReferences, preferredReference } from './concat-references';

describe('preferredReference', () => {
  it('is the same for the same MT id and stays within the reference space', () => {
    expect(preferredReference('3f2a.r1', 256)).toBe(preferredReference('3f2a.r1', 256));
    for (const modulo of [256, 65536]) {
      const refs = Array.from({ length: 200 }, (_, i) => preferredReference(`mo-${i}.r1`, modulo));
      expect(refs.every((r) => Number.isInteger(r) && r >= 0 && r < modulo)).toBe(true);
    }
  });

  it('spreads MT ids over the 8-bit space, so two MTs rarely start from one value', () => {
    const refs = new Set(Array.from({ length: 1000 }, (_, i) => preferredReference(`${i.toString(16)}-4c1e-9a55.r1`, 256)));
    // 1,000 ids thrown uniformly into 256 values leave about 5 of them empty.
    expect(refs.size).toBeGreaterThan(240);
  });
});

describe('RedisConcatReferences', () => {
  const request = { destination: 'hashed-msisdn', mtId: 'a.r1', preferred: 42, modulo: 256 };

  it('falls back to the preferred reference, and reports the error, when the script fails', async () => {
    const errors: string[] = [];
    const failing = { evalsha: async () => Promise.reject(new Error('Connection is closed.')), eval: async () => Promise.reject(new Error('unused')) };
    const references = new RedisConcatReferences(failing as never, { holdMs: 60_000, onError: (err) => errors.push(err.message) });
    expect(await references.reserve(request)).toBe(42);
    expect(errors).toEqual(['Connection is closed.']);
  });

  it('asks nothing for an MT without a destination hash: there is nothing to scope its reference by', async () => {
    let calls = 0;
    const counting = { evalsha: async () => ++calls, eval: async () => ++calls };
    expect(await new RedisConcatReferences(counting as never, { holdMs: 60_000 }).reserve({ ...request, destination: null })).toBe(42);
    expect(calls).toBe(0);
  });

  it('takes an answer outside the reference space for no answer', async () => {
    const wrong = { evalsha: async () => 300, eval: async () => 300 };
    expect(await new RedisConcatReferences(wrong as never, { holdMs: 60_000 }).reserve(request)).toBe(42);
  });
});
