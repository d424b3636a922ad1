import { decodeMt, mtIdFor, type MtMessageV1 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { renderReply, type VoterDetails } from '@parchee/replies';
import { renderScreen, resolveMenuContext, resultPages, startMenu, stepMenu, type MenuState, type Screen } from '@parchee/ussd';
import { EXAMPLE_VOTER } from '@parchee/ussd/testing';
import type { VoterLookupOutcome, VoterLookupRequest, VoterLookupResult } from '@parchee/voter-lookup';
import { InMemorySessionCells } from '../testing';
import { UssdSessionStore } from '../sessions/ussd-session-store';
import type { UssdTransport } from '../sessions/ussd-session';
import { UssdDialogs, type UssdDialogsObserver } from './ussd-dialogs';
import type { UssdEvent } from './ussd-step';

const PEPPER = 'unit-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(PEPPER);
const MSISDN = '923001234567';
const CNIC = '3520212345671';
const ctx = resolveMenuContext();

/** A lookup that answers what it is told to, records what it was asked, and can be held until released. */
class FakeLookup {
  readonly requests: VoterLookupRequest[] = [];
  outcome: VoterLookupOutcome = { kind: 'found', voter: EXAMPLE_VOTER };
  private hold: Promise<void> | null = null;
  private release: () => void = () => undefined;
  /** Resolves when the next lookup has been asked. */
  asked: Promise<void> = new Promise(() => undefined);
  private signalAsked: () => void = () => undefined;

  holdNext(): void {
    this.hold = new Promise((resolve) => (this.release = resolve));
    this.asked = new Promise((resolve) => (this.signalAsked = resolve));
  }

  releaseHeld(): void {
    this.release();
  }

  async lookup(request: VoterLookupRequest): Promise<VoterLookupResult> {
    this.requests.push(request);
    this.signalAsked();
    if (this.hold) await this.hold;
    return { outcome: this.outcome, rollVersion: 7, audited: Promise.resolve() };
  }
}

class FakePublisher {
  readonly records: OutgoingRecord[] = [];
  failing = false;
  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.failing) throw new Error('PUBLISH_TIMEOUT');
    this.records.push(...records);
  }
  mts(): MtMessageV1[] {
    return this.records.map((r) => decodeMt(r.value));
  }
}

interface Counted {
  steps: string[];
  begun: number;
  ended: string[];
  sms: string[];
  storeErrors: number;
}

function setup(options: { claimMs?: number } = {}) {
  const cells = new InMemorySessionCells();
  const store = new UssdSessionStore(cells, PEPPER, { sessionTtlMs: 180_000, languageTtlMs: 86_400_000 });
  const lookup = new FakeLookup();
  const publisher = new FakePublisher();
  const counted: Counted = { steps: [], begun: 0, ended: [], sms: [], storeErrors: 0 };
  const observer: UssdDialogsObserver = {
    onStep: (_op, _t, result) => counted.steps.push(result),
    onBegun: () => counted.begun++,
    onEnded: (_op, _t, end) => counted.ended.push(end),
    onSms: (_op, result) => counted.sms.push(result),
    onSessionStoreError: () => counted.storeErrors++,
  };
  const dialogs = new UssdDialogs(store, lookup, publisher, {
    peppers: [hasher],
    claimMs: options.claimMs ?? 2000,
    claimPollMs: 2,
    observer,
    smsShortCode: '8300',
  });
  let seq = 0;
  /** One network step of the dialog `session` (a new step id each time unless given). */
  const step = (event: UssdEvent | string, session = 's-1', stepId?: string, msisdn = MSISDN, transport: UssdTransport = 'http') =>
    dialogs.step({
      operator: 'jazz',
      transport,
      sessionId: session,
      msisdn,
      stepId: stepId ?? String(++seq),
      event: typeof event === 'string' ? { kind: 'input', text: event } : event,
    });
  return { cells, store, lookup, publisher, counted, dialogs, step };
}

const BEGIN: UssdEvent = { kind: 'begin' };

/** The session stored under `key`; a spec that expects one fails here if there is none. */
async function storedSession(store: UssdSessionStore, key: string) {
  const loaded = await store.load(key);
  if (loaded.session === null) throw new Error('no session stored');
  return { revision: loaded.revision, session: loaded.session };
}
/** The screen the menu itself gives for `state`, to compare the service's answers with. */
const screenOf = (state: MenuState): Screen => renderScreen(state, ctx) as Screen;
const english = startMenu('en').state;
const resultEn = (voter: VoterDetails = EXAMPLE_VOTER) =>
  stepMenu({ v: 1, at: 'looking_up', lang: 'en' }, { kind: 'lookup_result', outcome: { kind: 'found', voter } }).state;
/** Page `page` of the Urdu result: on an 80-character UCS-2 screen the details take several. */
const resultUr = (page: number): MenuState => ({ v: 1, at: 'result', lang: 'ur', bad: 0, voter: EXAMPLE_VOTER, page });

describe('UssdDialogs', () => {
  it('begins with the language menu, remembers the choice for the number, and begins its next dialog in it', async () => {
    const { step, counted, cells } = setup();
    expect(await step(BEGIN)).toEqual(startMenu(null).screen);
    expect(await step('2')).toEqual(screenOf(english));
    expect(cells.dump()).toContain(`parchee:ussd:lang:${KeyedHasher.text(hasher.msisdn(MSISDN))} en`);
    expect(await step(BEGIN, 's-2')).toEqual(screenOf(english));
    expect(counted.begun).toBe(2);
    // Another number has its own memory.
    expect(await step(BEGIN, 's-3', undefined, '923007654321')).toEqual(startMenu(null).screen);
  });

  it('looks a CNIC up in-process as a USSD lookup, with the CNIC only as keyed hashes, and pages the result', async () => {
    const { step, lookup, counted } = setup();
    expect(resultPages(EXAMPLE_VOTER, 'ur', ctx.limits).length).toBeGreaterThan(1);
    await step(BEGIN);
    await step('1');
    expect(await step('1')).toEqual(screenOf(stepMenu(startMenu('ur').state, { kind: 'input', text: '1' }).state));
    const first = await step('۳۵۲۰۲-۱۲۳۴۵۶۷-۱');
    expect(first).toEqual(screenOf(resultUr(0)));
    expect(lookup.requests).toHaveLength(1);
    const asked = lookup.requests[0];
    expect(asked).toMatchObject({ operator: 'jazz', msisdn: MSISDN, channel: 'ussd', requestId: expect.stringMatching(/^[0-9a-f-]{36}\.4$/) });
    expect(asked.cnic.hashes).toEqual({ [hasher.id]: KeyedHasher.text(hasher.cnic(CNIC)) });
    expect(JSON.stringify(asked.cnic)).not.toContain(CNIC);
    const more = await step('1');
    expect(more).toEqual(screenOf(resultUr(1)));
    expect(more).not.toEqual(first);
    expect(counted.steps.every((r) => r === 'answered')).toBe(true);
  });

  it.each([
    [{ kind: 'not_found' } as VoterLookupOutcome, 'not_found', []],
    [{ kind: 'rate_limited' } as VoterLookupOutcome, 'ended', ['completed']],
    [{ kind: 'enumeration' } as VoterLookupOutcome, 'ended', ['completed']],
    [{ kind: 'busy' } as VoterLookupOutcome, 'ended', ['completed']],
  ])('answers a lookup that came to %j with the menu’s screen for it', async (outcome, at, ended) => {
    const { step, lookup, counted } = setup();
    lookup.outcome = outcome;
    await step(BEGIN);
    await step('2');
    await step('1');
    const answer = await step(CNIC);
    const expected = stepMenu({ v: 1, at: 'looking_up', lang: 'en' }, { kind: 'lookup_result', outcome });
    expect(expected.state.at).toBe(at);
    expect(answer).toEqual(expected.screen);
    expect(counted.ended).toEqual(ended);
  });

  it('sends the result by SMS once: one MT keyed and identified as lookup’s would be, then ends', async () => {
    const { step, publisher, counted } = setup();
    await step(BEGIN);
    await step('2');
    await step('1');
    await step(CNIC);
    const answer = await step('3', 's-1', 'sms-step');
    expect(answer.end).toBe(true);
    expect(answer).toEqual(screenOf({ v: 1, at: 'ended', lang: 'en', reason: 'sms_sent' }));
    expect(publisher.records).toHaveLength(1);
    const [record] = publisher.records;
    expect(record.topic).toBe('sms.mt.v1');
    expect(record.key).toBe(KeyedHasher.text(hasher.msisdn(MSISDN)));
    const [mt] = publisher.mts();
    expect(mt).toMatchObject({
      operator: 'jazz',
      msisdn: MSISDN,
      shortCode: '8300',
      lang: 'en',
      kind: 'found',
      text: renderReply({ kind: 'found', voter: EXAMPLE_VOTER }, 'en').text,
    });
    expect(mt.moId).toMatch(/^[0-9a-f-]{36}\.5$/);
    expect(mt.id).toBe(mtIdFor(mt.moId));
    expect(mt.expiresAt - mt.moReceivedAt).toBe(3600_000);
    expect(counted.sms).toEqual(['produced']);
    expect(counted.ended).toEqual(['completed']);
    // The network sends the step again: the same screen, no second SMS.
    expect(await step('3', 's-1', 'sms-step')).toEqual(answer);
    expect(publisher.records).toHaveLength(1);
  });

  it('answers a replayed step from the session: same screen, the menu not stepped again, no second lookup', async () => {
    const { step, lookup, counted, store } = setup();
    const stateNow = async () => JSON.parse((await storedSession(store, store.sessionKey('jazz', 'http', 's-1', MSISDN))).session.state) as MenuState;
    await step(BEGIN, 's-1', 'b');
    await step('1', 's-1', 'l');
    await step('1', 's-1', 'c');
    const result = await step(CNIC, 's-1', 'n');
    expect(await step(CNIC, 's-1', 'n')).toEqual(result);
    expect(lookup.requests).toHaveLength(1);
    // "1 More" twice as one network step turns one page, not two.
    const more = await step('1', 's-1', 'm');
    expect(await step('1', 's-1', 'm')).toEqual(more);
    expect(more).toEqual(screenOf(resultUr(1)));
    expect(await stateNow()).toMatchObject({ at: 'result', page: 1 });
    // The same input as a new step is a new step: the next page.
    await step('1', 's-1', 'm2');
    expect(await stateNow()).toMatchObject({ at: 'result', page: 2 });
    // And a begin sent twice is one dialog.
    expect(await step(BEGIN, 's-9', 'b')).toEqual(await step(BEGIN, 's-9', 'b'));
    expect(counted.steps.filter((r) => r === 'replayed')).toHaveLength(3);
    expect(counted.begun).toBe(2);
  });

  it('makes a copy of a step that arrives while the first is being answered wait for its answer: one lookup, one screen', async () => {
    const { step, lookup, cells } = setup();
    await step(BEGIN);
    await step('2');
    await step('1');
    lookup.holdNext();
    const first = step(CNIC, 's-1', 'cnic');
    await lookup.asked;
    const readsBefore = cells.reads;
    const second = step(CNIC, 's-1', 'cnic');
    // The copy has looked at the session (and found it claimed) before the first is let go.
    while (cells.reads < readsBefore + 2) await new Promise((resolve) => setImmediate(resolve));
    lookup.releaseHeld();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(screenOf(resultEn()));
    expect(b).toEqual(a);
    expect(lookup.requests).toHaveLength(1);
  });

  it('takes over a step whose claim lapsed (its replica died) and answers it', async () => {
    const { step, lookup, store } = setup({ claimMs: 50 });
    await step(BEGIN);
    await step('2');
    await step('1');
    // A replica claimed the CNIC step and died: its claim is in the session, already past.
    const key = store.sessionKey('jazz', 'http', 's-1', MSISDN);
    const loaded = await storedSession(store, key);
    const dead = { ...loaded.session, claim: { step: 'other', by: 'dead-replica', until: Date.now() - 1 } };
    expect(await store.save(key, loaded.revision, dead)).not.toBeNull();
    expect(await step(CNIC)).toEqual(screenOf(resultEn()));
    expect(lookup.requests).toHaveLength(1);
  });

  it('answers busy rather than wait past its own claim time for a session another step keeps claimed', async () => {
    const { step, lookup, store, counted } = setup({ claimMs: 30 });
    await step(BEGIN);
    await step('2');
    await step('1');
    const key = store.sessionKey('jazz', 'http', 's-1', MSISDN);
    const loaded = await storedSession(store, key);
    const stuck = { ...loaded.session, claim: { step: 'other', by: 'slow-replica', until: Date.now() + 60_000 } };
    expect(await store.save(key, loaded.revision, stuck)).not.toBeNull();
    expect(await step(CNIC)).toEqual(screenOf({ v: 1, at: 'ended', lang: 'ur', reason: 'busy' }));
    expect(lookup.requests).toEqual([]);
    expect(counted.steps[counted.steps.length - 1]).toBe('busy');
  });

  it('ends on abort and on timeout, counting each, and answers either for a dialog it does not hold without storing anything', async () => {
    const { step, counted, cells } = setup();
    await step(BEGIN, 'a');
    await step('2', 'a');
    expect(await step({ kind: 'abort' }, 'a')).toEqual(screenOf({ v: 1, at: 'ended', lang: 'en', reason: 'abort' }));
    await step(BEGIN, 't');
    expect(await step({ kind: 'timeout' }, 't')).toEqual(screenOf({ v: 1, at: 'ended', lang: 'en', reason: 'timeout' }));
    // A late abort of an ended dialog is answered with its last screen, not counted again.
    expect((await step({ kind: 'abort' }, 't')).end).toBe(true);
    expect(counted.ended).toEqual(['aborted', 'timed_out']);
    const before = cells.dump();
    expect(await step({ kind: 'abort' }, 'never-begun')).toEqual(screenOf({ v: 1, at: 'ended', lang: null, reason: 'abort' }));
    expect(cells.dump()).toBe(before);
  });

  it('begins a new dialog on a dial that reuses a session id, and on an input for a dialog it does not hold', async () => {
    const { step, counted, lookup } = setup();
    await step(BEGIN);
    await step('2');
    await step('1');
    expect(await step(BEGIN)).toEqual(screenOf(english));
    // A CNIC typed into a dialog this service lost: the first screen, no lookup.
    expect(await step(CNIC, 'lost')).toEqual(screenOf(english));
    expect(lookup.requests).toEqual([]);
    expect(counted.begun).toBe(3);
  });

  it('answers busy, and counts the store’s failure, when the session store cannot be read', async () => {
    const { step, cells, counted } = setup();
    await step(BEGIN);
    cells.failing = new Error('Command timed out');
    expect(await step('2')).toEqual(screenOf({ v: 1, at: 'ended', lang: 'ur', reason: 'busy' }));
    expect(counted.storeErrors).toBe(1);
    expect(counted.steps).toEqual(['answered', 'busy']);
  });

  it('says busy instead of "sent" when the SMS cannot be handed to Kafka', async () => {
    const { step, publisher, counted } = setup();
    await step(BEGIN);
    await step('2');
    await step('1');
    await step(CNIC);
    publisher.failing = true;
    expect(await step('3')).toEqual(screenOf({ v: 1, at: 'ended', lang: 'en', reason: 'busy' }));
    expect(counted.sms).toEqual(['failed']);
  });

  it('stores nothing in clear: no number, session id, CNIC or voter detail in any key or value', async () => {
    const { step, cells } = setup();
    await step(BEGIN, MSISDN);
    await step('2', MSISDN);
    await step('1', MSISDN);
    await step('35202-1234567-1', MSISDN);
    const stored = cells.dump();
    for (const clear of [MSISDN, CNIC, '35202', EXAMPLE_VOTER.areaEn, EXAMPLE_VOTER.stationEn, EXAMPLE_VOTER.blockCode]) expect(stored).not.toContain(clear);
    expect(stored.split('\n')).toHaveLength(2);
  });
});
