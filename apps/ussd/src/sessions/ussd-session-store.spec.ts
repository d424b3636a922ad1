import { KeyedHasher } from '@parchee/privacy';
import { InMemorySessionCells } from '../testing';
import type { UssdSession } from './ussd-session';
import { UssdSessionStore } from './ussd-session-store';

const PEPPER = 'unit-test-pepper-0123456789abcdef';
const MSISDN = '923001234567';
const hasher = new KeyedHasher(PEPPER);
const options = { sessionTtlMs: 180_000, languageTtlMs: 90 * 86_400_000, keyPrefix: 'parchee:ussd:' };

/** A dialog after a lookup: its state holds the voter's details, which must never be stored in clear. */
function session(over: Partial<UssdSession> = {}): UssdSession {
  return {
    v: 1,
    dialog: '5b1f4a2e-0000-4000-8000-000000000001',
    begunAt: Date.UTC(2026, 11, 1),
    steps: 3,
    state: JSON.stringify({ v: 1, at: 'result', lang: 'en', bad: 0, page: 0, voter: { areaEn: 'Gulberg', stationEn: 'Govt. Boys Primary School No. 2' } }),
    last: { step: 'fp-3', screen: { text: 'Gulberg, block 123456789', end: false } },
    claim: null,
    ...over,
  };
}

describe('UssdSessionStore', () => {
  let cells: InMemorySessionCells;
  let store: UssdSessionStore;
  beforeEach(() => {
    // A clock that stands still: times to live read back exactly.
    cells = new InMemorySessionCells(() => Date.UTC(2026, 11, 1, 9));
    store = new UssdSessionStore(cells, PEPPER, options);
  });

  it('names a session by a keyed hash of operator, transport, session id and number, never by any of them', () => {
    // Some SMSCs key USSD dialogs by the number itself.
    const key = store.sessionKey('jazz', 'smpp', MSISDN, MSISDN);
    expect(key).toMatch(/^parchee:ussd:session:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain(MSISDN);
    expect(store.sessionKey('jazz', 'smpp', MSISDN, MSISDN)).toBe(key);
    for (const other of [
      store.sessionKey('zong', 'smpp', MSISDN, MSISDN),
      store.sessionKey('jazz', 'http', MSISDN, MSISDN),
      store.sessionKey('jazz', 'smpp', '923001234568', MSISDN),
      // The same session id from another number is another session.
      store.sessionKey('jazz', 'smpp', MSISDN, '923001234568'),
    ])
      expect(other).not.toBe(key);
    expect(new UssdSessionStore(cells, 'another-pepper-0123456789abcdef', options).sessionKey('jazz', 'smpp', MSISDN, MSISDN)).not.toBe(key);
  });

  it('fingerprints a step by its transport id, its event and its input, without holding the input', () => {
    const key = store.sessionKey('jazz', 'http', 's-1', MSISDN);
    const fp = store.stepFingerprint(key, '3', 'input', '3520212345671');
    expect(fp).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(store.stepFingerprint(key, '3', 'input', '3520212345671')).toBe(fp);
    expect(store.stepFingerprint(key, '4', 'input', '3520212345671')).not.toBe(fp);
    expect(store.stepFingerprint(key, '3', 'input', '3520212345672')).not.toBe(fp);
    expect(store.stepFingerprint(key, '3', 'abort', '')).not.toBe(store.stepFingerprint(key, '3', 'timeout', ''));
    expect(store.stepFingerprint(store.sessionKey('jazz', 'http', 's-2', MSISDN), '3', 'input', '3520212345671')).not.toBe(fp);
  });

  it('keeps a session sealed under its key with the session time to live, and reads it back', async () => {
    const key = store.sessionKey('jazz', 'smpp', '77', MSISDN);
    expect(await store.load(key)).toEqual({ revision: 0, session: null, unreadable: false });
    expect(await store.save(key, 0, session())).toBe(1);
    expect(await store.load(key)).toEqual({ revision: 1, session: session(), unreadable: false });
    expect(cells.ttlOf(key)).toBe(180_000);
    const stored = cells.dump();
    for (const clear of ['Gulberg', 'result', 'fp-3', MSISDN, '5b1f4a2e']) expect(stored).not.toContain(clear);
    expect(stored).toMatch(/^parchee:ussd:session:\S+ 1:[A-Za-z0-9+/]+=*$/);
  });

  it('writes only over the revision it read: a second writer from the same revision loses', async () => {
    const key = store.sessionKey('jazz', 'smpp', '77', MSISDN);
    expect(await store.save(key, 0, session())).toBe(1);
    expect(await store.save(key, 0, session({ steps: 9 }))).toBeNull();
    expect(await store.save(key, 1, session({ steps: 4 }))).toBe(2);
    expect(await store.save(key, 1, session({ steps: 9 }))).toBeNull();
    expect((await store.load(key)).session?.steps).toBe(4);
  });

  it('reads a value that does not open as unreadable, and lets it be overwritten: moved to another key, another pepper, or no revision', async () => {
    const key = store.sessionKey('jazz', 'smpp', '77', MSISDN);
    const other = store.sessionKey('jazz', 'smpp', '78', MSISDN);
    await store.save(key, 0, session());
    // Copied under another session's key, it does not open there (sealed with its key as context).
    cells.values.set(other, { ...(cells.values.get(key) as { value: string; expiresAt: number }) });
    expect(await store.load(other)).toEqual({ revision: 1, session: null, unreadable: true });
    expect(await new UssdSessionStore(cells, 'another-pepper-0123456789abcdef', options).load(key)).toMatchObject({ session: null, unreadable: true });
    cells.values.set(key, { value: 'garbage', expiresAt: Infinity });
    const garbled = await store.load(key);
    expect(garbled).toEqual({ revision: -1, session: null, unreadable: true });
    expect(await store.save(key, garbled.revision, session())).toBe(1);
    expect((await store.load(key)).session).toEqual(session());
  });

  it('remembers a number’s language under a keyed hash of the number, for the configured days', async () => {
    const msisdnHash = hasher.msisdn(MSISDN);
    expect(await store.language(msisdnHash)).toBeNull();
    await store.rememberLanguage(msisdnHash, 'en');
    expect(await store.language(msisdnHash)).toBe('en');
    const key = `parchee:ussd:lang:${KeyedHasher.text(msisdnHash)}`;
    expect(cells.ttlOf(key)).toBe(90 * 86_400_000);
    expect(cells.dump()).toBe(`${key} en`);
    expect(await store.language(hasher.msisdn('923001234568'))).toBeNull();
    // Anything else under the key is not a language.
    cells.values.set(key, { value: 'fr', expiresAt: Infinity });
    expect(await store.language(msisdnHash)).toBeNull();
  });
});
