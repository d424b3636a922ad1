import { Duplex } from 'node:stream';
import { CommandStatus } from '../codec/command-status';
import type { DeliverSm, EncodablePdu, Pdu, RequestPdu } from '../codec/pdu';
import { encodePdu } from '../codec/pdu-codec';
import { SmppCommandError } from '../errors/smpp-command-error';
import { SmppError } from '../errors/smpp-error';
import { createDuplexPair } from '../testing/duplex-pair';
import { FakeSmppPeer } from '../testing/fake-smpp-peer';
import { SmppSession } from './smpp-session';
import { resolveSessionOptions, type SmppSessionOptions } from './smpp-session-options';

const submitFields = {
  serviceType: '',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: '8300',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '923000000001',
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from('hi'),
  tlvs: [],
};

const submitSm = { command: 'submit_sm' as const, ...submitFields };
const deliverSm = (sequenceNumber: number): DeliverSm => ({ command: 'deliver_sm', commandId: 5, commandStatus: 0, sequenceNumber, ...submitFields });

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s/g, ''), 'hex');
}

function setup(options: Partial<SmppSessionOptions> = {}): { session: SmppSession; peer: FakeSmppPeer } {
  const [local, remote] = createDuplexPair();
  const session = new SmppSession(local, { enquireLinkIntervalMs: 0, ...options });
  session.on('error', () => undefined);
  return { session, peer: new FakeSmppPeer(remote) };
}

/** Lets stream and nextTick callbacks run without advancing fake clocks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function rejectionOf(promise: Promise<unknown>): Promise<SmppError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: SmppError) => error,
  );
}

const sessions: SmppSession[] = [];
afterEach(() => {
  jest.useRealTimers();
  sessions.splice(0).forEach((session) => session.close());
});

describe('SmppSession requests', () => {
  it('resolves a request with the response carrying its sequence number', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const first = session.request(submitSm);
    const second = session.request(submitSm);
    const [a, b] = [await peer.next(), await peer.next()];
    expect([a.command, b.command]).toEqual(['submit_sm', 'submit_sm']);
    expect(b.sequenceNumber).toBe(a.sequenceNumber + 1);
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: b.sequenceNumber, messageId: 'second' });
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: a.sequenceNumber, messageId: 'first' });
    expect((await first).messageId).toBe('first');
    expect((await second).messageId).toBe('second');
  });

  it('rejects with SmppCommandError carrying the status, retriable only for temporary statuses', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const throttled = session.request(submitSm);
    const badAddress = session.request(submitSm);
    const [a, b] = [await peer.next(), await peer.next()];
    peer.send({ command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_RTHROTTLED, sequenceNumber: a.sequenceNumber, messageId: '' });
    peer.send({ command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_RINVDSTADR, sequenceNumber: b.sequenceNumber, messageId: '' });
    const throttledError = await rejectionOf(throttled);
    expect(throttledError).toBeInstanceOf(SmppCommandError);
    expect(throttledError).toMatchObject({ code: 'COMMAND_STATUS', commandStatus: CommandStatus.ESME_RTHROTTLED, retriable: true });
    expect(await rejectionOf(badAddress)).toMatchObject({ code: 'COMMAND_STATUS', commandStatus: CommandStatus.ESME_RINVDSTADR, retriable: false });
  });

  it('rejects a request the peer answers with generic_nack', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const pending = session.request(submitSm);
    const sent = await peer.next();
    peer.send({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDID, sequenceNumber: sent.sequenceNumber });
    expect(await rejectionOf(pending)).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDID });
  });

  it('holds requests beyond the window in FIFO order until responses free a slot', async () => {
    const { session, peer } = setup({ window: 2 });
    sessions.push(session);
    const results = [1, 2, 3, 4].map((n) => session.request({ ...submitSm, shortMessage: Buffer.from(`m${n}`) }));
    const first = await peer.next();
    const second = await peer.next();
    await settle();
    expect(peer.received).toHaveLength(2);
    expect(session.inFlightCount).toBe(2);
    expect(session.queuedCount).toBe(2);

    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: second.sequenceNumber, messageId: 'b' });
    const third = await peer.next();
    await settle();
    expect(peer.received).toHaveLength(3);
    expect((third as typeof first & { shortMessage: Buffer }).shortMessage.toString()).toBe('m3');

    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: first.sequenceNumber, messageId: 'a' });
    const fourth = await peer.next();
    expect((fourth as typeof first & { shortMessage: Buffer }).shortMessage.toString()).toBe('m4');
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: third.sequenceNumber, messageId: 'c' });
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: fourth.sequenceNumber, messageId: 'd' });
    expect((await Promise.all(results)).map((r) => r.messageId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects beyond maxQueued with a retriable QUEUE_FULL', async () => {
    const { session } = setup({ window: 1, maxQueued: 1 });
    sessions.push(session);
    const inFlight = session.request(submitSm);
    const queued = session.request(submitSm);
    expect(await rejectionOf(session.request(submitSm))).toMatchObject({ code: 'QUEUE_FULL', retriable: true });
    session.close();
    await Promise.allSettled([inFlight, queued]);
  });

  it('times out a request with a retriable RESPONSE_TIMEOUT and gives its slot to the next one', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { session, peer } = setup({ window: 1, responseTimeoutMs: 1_000 });
    sessions.push(session);
    const first = session.request(submitSm);
    const second = session.request(submitSm);
    await peer.next();
    await settle();
    expect(peer.received).toHaveLength(1);

    jest.advanceTimersByTime(999);
    await settle();
    expect(session.inFlightCount).toBe(1);
    jest.advanceTimersByTime(1);
    expect(await rejectionOf(first)).toMatchObject({ code: 'RESPONSE_TIMEOUT', retriable: true });
    const next = await peer.next();
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: next.sequenceNumber, messageId: 'ok' });
    expect((await second).messageId).toBe('ok');
  });

  it('ignores a late response to a request that already timed out', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { session, peer } = setup({ responseTimeoutMs: 100 });
    sessions.push(session);
    const late = session.request(submitSm);
    const sent = await peer.next();
    jest.advanceTimersByTime(100);
    await rejectionOf(late);
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: sent.sequenceNumber, messageId: 'late' });
    const after = session.request({ command: 'enquire_link' });
    const probe = await peer.next();
    peer.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: probe.sequenceNumber });
    expect((await after).command).toBe('enquire_link_resp');
  });

  it('rejects at once a PDU that cannot be encoded, without using a window slot', async () => {
    const { session } = setup({ window: 1 });
    sessions.push(session);
    const error = await rejectionOf(session.request({ ...submitSm, sourceAddr: '1'.repeat(30) }));
    expect(error).toMatchObject({ code: 'INVALID_PDU', retriable: false });
    expect(session.inFlightCount).toBe(0);
  });

  it('rejects a request whose response is garbled instead of letting it time out', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    // query_sm: a successful submit_sm_resp is read liberally (see the next spec), a query_sm_resp is not.
    const pending = session.request({ command: 'query_sm', messageId: 'm1', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: '8300' });
    const sent = await peer.next();
    const garbled = hex(`00000013 80000003 00000000 ${sent.sequenceNumber.toString(16).padStart(8, '0')} 616263`);
    peer.sendRaw(garbled);
    expect(await rejectionOf(pending)).toMatchObject({ code: 'DECODE_ERROR', commandStatus: CommandStatus.ESME_RINVCMDLEN });
    await settle();
    expect(peer.received.filter((pdu) => pdu.command === 'generic_nack')).toHaveLength(0);
  });

  it('takes a successful submit_sm_resp with SMPP 5.0 TLVs or no body as the message accepted, not as an error to retry', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const withTlv = session.request(submitSm);
    const first = await peer.next();
    const seq = (n: number) => n.toString(16).padStart(8, '0');
    peer.sendRaw(hex(`0000001c 80000004 00000000 ${seq(first.sequenceNumber)} 616263313233 00 0425 0001 00`));
    expect(await withTlv).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0, messageId: 'abc123' });
    const bodyless = session.request(submitSm);
    const second = await peer.next();
    peer.sendRaw(hex(`00000010 80000004 00000000 ${seq(second.sequenceNumber)}`));
    expect(await bodyless).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0, messageId: '' });
  });
});

describe('SmppSession submit pacing (maxSubmitPerSecond)', () => {
  const fakeClock = (): void => void jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const text = (pdu: Pdu): string => (pdu as Pdu & { shortMessage?: Buffer }).shortMessage?.toString() ?? '';

  /**
   * Steps the fake clock 1 ms at a time until `count` PDUs have reached the peer, answering each
   * submit_sm and data_sm at once (unless `answer` is false); resolves with when each arrived.
   */
  async function arrivals(peer: FakeSmppPeer, count: number, answer = true): Promise<Array<{ at: number; pdu: Pdu }>> {
    const seen: Array<{ at: number; pdu: Pdu }> = [];
    for (let ms = 0; seen.length < count && ms < 5_000; ms++) {
      await settle();
      while (peer.received.length > seen.length) {
        const pdu = peer.received[seen.length];
        seen.push({ at: performance.now(), pdu });
        if (answer && (pdu.command === 'submit_sm' || pdu.command === 'data_sm')) {
          peer.send({ command: `${pdu.command}_resp`, commandStatus: 0, sequenceNumber: pdu.sequenceNumber, messageId: text(pdu) } as EncodablePdu);
        }
      }
      if (seen.length < count) jest.advanceTimersByTime(1);
    }
    return seen;
  }

  const gaps = (times: number[]): number[] => times.slice(1).map((at, i) => at - times[i]);
  /** Lets a request be awaited at the end without an assertion failing before it crashing the run. */
  const later = <T>(request: Promise<T>): Promise<T> => {
    request.catch(() => undefined);
    return request;
  };

  it('sends N submit_sm at R per second 1/R apart, the first at once, in the order asked', async () => {
    fakeClock();
    const { session, peer } = setup({ maxSubmitPerSecond: 200 });
    sessions.push(session);
    const start = performance.now();
    const results = Array.from({ length: 10 }, (_, i) => later(session.request({ ...submitSm, shortMessage: Buffer.from(`m${i}`) })));
    const seen = await arrivals(peer, 10);
    expect(seen.map(({ at }) => at - start)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    expect(seen.map(({ pdu }) => text(pdu))).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect((await Promise.all(results)).map((r) => r.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('never sends two closer than 1/R when 1/R is not a whole number of milliseconds', async () => {
    fakeClock();
    const { session, peer } = setup({ maxSubmitPerSecond: 300 });
    sessions.push(session);
    const results = Array.from({ length: 12 }, () => later(session.request(submitSm)));
    const seen = await arrivals(peer, 12);
    expect(seen).toHaveLength(12);
    for (const gap of gaps(seen.map(({ at }) => at))) expect(gap).toBeGreaterThanOrEqual(1000 / 300);
    await Promise.all(results);
  });

  it('saves no credit while idle: submits after a quiet second are spaced again, not sent in a burst', async () => {
    fakeClock();
    const { session, peer } = setup({ maxSubmitPerSecond: 200 });
    sessions.push(session);
    const first = later(session.request(submitSm));
    await arrivals(peer, 1);
    jest.advanceTimersByTime(1_000);
    const start = performance.now();
    const next = [1, 2, 3].map(() => later(session.request(submitSm)));
    const seen = (await arrivals(peer, 4)).slice(1);
    expect(seen.map(({ at }) => at - start)).toEqual([0, 5, 10]);
    await Promise.all([first, ...next]);
  });

  it('keeps the spacing when answers free several window slots at once', async () => {
    fakeClock();
    const { session, peer } = setup({ maxSubmitPerSecond: 200, window: 2 });
    sessions.push(session);
    const results = [0, 1, 2, 3].map((i) => later(session.request({ ...submitSm, shortMessage: Buffer.from(`m${i}`) })));
    const held = await arrivals(peer, 2, false);
    jest.advanceTimersByTime(50);
    await settle();
    expect(peer.received).toHaveLength(2);
    const freed = performance.now();
    for (const { pdu } of held) peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber, messageId: text(pdu) });
    const seen = (await arrivals(peer, 4)).slice(2);
    expect(seen.map(({ at }) => at - freed)).toEqual([0, 5]);
    expect((await Promise.all(results)).map((r) => r.messageId)).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('paces data_sm with submit_sm and leaves other requests alone', async () => {
    fakeClock();
    const { session, peer } = setup({ maxSubmitPerSecond: 100 });
    sessions.push(session);
    const start = performance.now();
    const submit = later(session.request(submitSm));
    const probe = later(session.request({ command: 'enquire_link' }));
    const dataSm = later(session.request({ command: 'data_sm', ...submitFields, tlvs: [] }));
    const seen = await arrivals(peer, 3);
    expect(seen.map(({ at, pdu }) => [pdu.command, at - start])).toEqual([
      ['submit_sm', 0],
      ['enquire_link', 0],
      ['data_sm', 10],
    ]);
    peer.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: seen[1].pdu.sequenceNumber });
    await Promise.all([submit, probe, dataSm]);
  });

  it('counts submits waiting for their turn against maxQueued', async () => {
    fakeClock();
    const { session } = setup({ maxSubmitPerSecond: 1, maxQueued: 2 });
    sessions.push(session);
    const sent = later(session.request(submitSm));
    const waiting = [later(session.request(submitSm)), later(session.request(submitSm))];
    expect(session.queuedCount).toBe(2);
    expect(await rejectionOf(session.request(submitSm))).toMatchObject({ code: 'QUEUE_FULL', retriable: true });
    session.close();
    expect(await rejectionOf(waiting[0])).toMatchObject({ code: 'CONNECTION_LOST', retriable: true });
    await Promise.allSettled([sent, ...waiting]);
  });

  it.each([0, -5, Number.POSITIVE_INFINITY, Number.NaN])('refuses maxSubmitPerSecond %p', (rate) => {
    expect(() => resolveSessionOptions({ maxSubmitPerSecond: rate })).toThrow(/maxSubmitPerSecond/);
  });
});

describe('SmppSession on close', () => {
  it('rejects every in-flight and queued request with a retriable CONNECTION_LOST when the peer drops', async () => {
    const { session, peer } = setup({ window: 1 });
    const closed = new Promise<string>((resolve) => session.on('close', resolve));
    const inFlight = session.request(submitSm);
    const queued = session.request(submitSm);
    await peer.next();
    peer.socket.destroy();
    await closed;
    for (const error of await Promise.all([rejectionOf(inFlight), rejectionOf(queued)])) {
      expect(error).toMatchObject({ code: 'CONNECTION_LOST', retriable: true });
    }
    expect(await rejectionOf(session.request(submitSm))).toMatchObject({ code: 'CONNECTION_LOST', retriable: true });
  });

  it('rejects pending requests when closed locally and emits close once', async () => {
    const { session } = setup();
    const reasons: string[] = [];
    session.on('close', (reason) => reasons.push(reason));
    const pending = session.request(submitSm);
    session.close('test over');
    session.close('again');
    expect(await rejectionOf(pending)).toMatchObject({ code: 'CONNECTION_LOST' });
    await settle();
    expect(reasons).toEqual(['test over']);
    expect(await session.closed).toBe('test over');
  });
});

describe('SmppSession answers on its own', () => {
  it('answers enquire_link with enquire_link_resp of the same sequence number', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    peer.send({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 77 });
    expect(await peer.next()).toMatchObject({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: 77 });
  });

  it('answers unbind with unbind_resp and then closes', async () => {
    const { session, peer } = setup();
    const pending = session.request(submitSm);
    await peer.next();
    peer.send({ command: 'unbind', commandStatus: 0, sequenceNumber: 5 });
    expect(await peer.next()).toMatchObject({ command: 'unbind_resp', sequenceNumber: 5 });
    await peer.waitForEnd();
    peer.socket.end();
    expect(await session.closed).toBe('peer unbound');
    expect(await rejectionOf(pending)).toMatchObject({ code: 'CONNECTION_LOST' });
  });

  it('answers an unknown command_id with generic_nack ESME_RINVCMDID and keeps reading', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const decodeErrors: unknown[] = [];
    session.on('decode-error', (error) => decodeErrors.push(error));
    peer.sendRaw(
      Buffer.concat([hex('00000014 00001234 00000000 0000002a deadbeef'), encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 43 })]),
    );
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDID, sequenceNumber: 42 });
    expect(await peer.next()).toMatchObject({ command: 'enquire_link_resp', sequenceNumber: 43 });
    expect(decodeErrors).toHaveLength(1);
  });

  it('answers a deliver_sm whose body it cannot read with deliver_sm_resp ESME_RX_P_APPN, hands it to no one, and reads on', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    const requests: RequestPdu[] = [];
    const decodeErrors: unknown[] = [];
    session.on('request', (pdu) => requests.push(pdu));
    session.on('decode-error', (error) => decodeErrors.push(error));
    // A deliver_sm whose body stops in the middle of source_addr.
    peer.sendRaw(hex('00000017 00000005 00000000 00000009 00 01 01 3932 3330'));
    expect(await peer.next()).toEqual({
      command: 'deliver_sm_resp',
      commandId: 0x80000005,
      commandStatus: CommandStatus.ESME_RX_P_APPN,
      sequenceNumber: 9,
      messageId: '',
    });
    peer.send(deliverSm(10));
    await settle();
    expect(requests.map((pdu) => pdu.sequenceNumber)).toEqual([10]);
    expect(decodeErrors).toHaveLength(1);
    expect(peer.received.filter((pdu) => pdu.command === 'generic_nack')).toEqual([]);
  });

  /** `pdu` encoded, then changed by `mutate`, with command_length fixed up. */
  function mangled(pdu: Parameters<typeof encodePdu>[0], mutate: (bytes: Buffer) => Buffer): Buffer {
    const bytes = mutate(Buffer.from(encodePdu(pdu)));
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  }

  const dataSm = {
    command: 'data_sm' as const,
    commandStatus: 0,
    sequenceNumber: 11,
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '923000000001',
    destAddrTon: 5,
    destAddrNpi: 0,
    destinationAddr: '8300',
    esmClass: 0,
    registeredDelivery: 0,
    dataCoding: 0,
    tlvs: [],
  };

  it.each([
    [
      'a submit_sm whose short_message runs past the end',
      // sm_length says 9, two octets of short_message follow.
      mangled({ ...submitSm, commandStatus: 0, sequenceNumber: 11 }, (bytes) => {
        bytes[bytes.length - 3] = 9;
        return bytes;
      }),
      'submit_sm_resp',
      CommandStatus.ESME_RINVMSGLEN,
    ],
    [
      'a data_sm cut short before its last field',
      mangled(dataSm, (bytes) => bytes.subarray(0, bytes.length - 1)),
      'data_sm_resp',
      CommandStatus.ESME_RX_P_APPN,
    ],
    ['an enquire_link with octets after its header', hex('00000014 00000015 00000000 0000000b deadbeef'), 'enquire_link_resp', CommandStatus.ESME_RINVCMDLEN],
  ])('answers %s with its own response and an error status, and reads on', async (_name, bytes, response, status) => {
    const { session, peer } = setup();
    sessions.push(session);
    const requests: RequestPdu[] = [];
    session.on('request', (pdu) => requests.push(pdu));
    peer.sendRaw(bytes);
    expect(await peer.next()).toMatchObject({ command: response, commandStatus: status, sequenceNumber: 11 });
    peer.send(deliverSm(12));
    await settle();
    expect(requests.map((pdu) => pdu.sequenceNumber)).toEqual([12]);
  });

  it('answers an alert_notification it cannot read with generic_nack, since the command has no response', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    peer.sendRaw(hex('00000013 00000102 00000000 0000000d 01 01 39'));
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDLEN, sequenceNumber: 13 });
  });

  it('answers an impossible command_length with generic_nack and closes, rejecting what was pending', async () => {
    const { session, peer } = setup();
    const pending = session.request(submitSm);
    await peer.next();
    peer.sendRaw(hex('00000004 00000015 00000000 00000001'));
    expect(await peer.next()).toMatchObject({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDLEN, sequenceNumber: 0 });
    await peer.waitForEnd();
    peer.socket.end();
    expect(await session.closed).toMatch(/framing/);
    expect(await rejectionOf(pending)).toMatchObject({ code: 'CONNECTION_LOST' });
  });

  it('emits other requests and sends the matching response with the sequence number echoed', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    session.on('request', (pdu) => {
      if (pdu.command === 'deliver_sm') session.respond(pdu, pdu.sequenceNumber === 1 ? CommandStatus.ESME_ROK : CommandStatus.ESME_RX_T_APPN);
    });
    peer.send(deliverSm(1));
    peer.send(deliverSm(2));
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', commandStatus: 0, sequenceNumber: 1, messageId: '' });
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_RX_T_APPN, sequenceNumber: 2 });
    expect(encodePdu({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_RX_T_APPN, sequenceNumber: 2, messageId: '' })).toHaveLength(16);
  });

  it('answers a peer that ignores its window with ESME_RTHROTTLED beyond maxPeerInFlight, and takes requests again once answered', async () => {
    const { session, peer } = setup({ maxPeerInFlight: 2 });
    sessions.push(session);
    const held: DeliverSm[] = [];
    session.on('request', (pdu) => held.push(pdu as DeliverSm));
    peer.send(deliverSm(1));
    peer.send(deliverSm(2));
    peer.send(deliverSm(3));
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_RTHROTTLED, sequenceNumber: 3 });
    expect(held.map((pdu) => pdu.sequenceNumber)).toEqual([1, 2]);
    session.respond(held[0], CommandStatus.ESME_ROK);
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', commandStatus: 0, sequenceNumber: 1 });
    peer.send(deliverSm(4));
    await settle();
    expect(held.map((pdu) => pdu.sequenceNumber)).toEqual([1, 2, 4]);
  });

  it('answers a request nobody listens for with ESME_RSYSERR', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    peer.send(deliverSm(3));
    expect(await peer.next()).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_RSYSERR, sequenceNumber: 3 });
  });
});

describe('SmppSession keepalive', () => {
  it('sends enquire_link after the idle interval, and not while traffic keeps arriving', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { session, peer } = setup({ enquireLinkIntervalMs: 1_000 });
    sessions.push(session);
    session.on('request', (pdu) => session.respond(pdu as DeliverSm, 0));
    jest.advanceTimersByTime(600);
    peer.send(deliverSm(1));
    await peer.next();
    jest.advanceTimersByTime(600);
    await settle();
    expect(peer.received.map((pdu) => pdu.command)).toEqual(['deliver_sm_resp']);
    jest.advanceTimersByTime(400);
    const probe = await peer.next();
    expect(probe.command).toBe('enquire_link');
    peer.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: probe.sequenceNumber });
    await settle();
    expect(session.isOpen).toBe(true);
  });

  it('declares the peer dead and closes when enquire_link_resp does not come in time', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { session, peer } = setup({ enquireLinkIntervalMs: 1_000, enquireLinkTimeoutMs: 500, window: 1 });
    const stuck = session.request(submitSm);
    await peer.next();
    jest.advanceTimersByTime(1_000);
    expect((await peer.next()).command).toBe('enquire_link');
    jest.advanceTimersByTime(500);
    expect(await session.closed).toMatch(/peer presumed dead/);
    expect(await rejectionOf(stuck)).toMatchObject({ code: 'CONNECTION_LOST', retriable: true });
  });
});

describe('SmppSession writing', () => {
  it('coalesces PDUs written in the same tick into one socket write', async () => {
    const { session, peer } = setup();
    sessions.push(session);
    for (let i = 0; i < 5; i++) void session.request(submitSm).catch(() => undefined);
    await peer.waitFor(() => peer.received.length === 5);
    expect(peer.chunks).toBe(1);
  });

  it('stops writing when the socket reports back-pressure and resumes on drain', async () => {
    const writes: Buffer[] = [];
    const callbacks: Array<() => void> = [];
    const socket = new Duplex({
      writableHighWaterMark: 1,
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => {
        writes.push(chunk);
        callbacks.push(() => callback());
      },
    });
    const session = new SmppSession(socket, { enquireLinkIntervalMs: 0 });
    sessions.push(session);
    const first = session.request(submitSm).catch(() => undefined);
    await settle();
    expect(writes).toHaveLength(1);
    const second = session.request(submitSm).catch(() => undefined);
    await settle();
    // The socket said "full" after the first write, so nothing else may be written yet.
    expect(writes).toHaveLength(1);
    callbacks.shift()?.();
    await settle();
    expect(writes).toHaveLength(2);
    session.close();
    await Promise.all([first, second]);
  });

  it('stops reading while its answers cannot be written, and reads on once they drain', async () => {
    // Regression: every PDU read is answered, and the session used to read on while its writes
    // backed up, queueing answers without bound: a peer writing 100 MiB of enquire_link over TCP
    // without reading grew an SmscServer by 3.9 GB.
    const written: Buffer[] = [];
    const release: Array<() => void> = [];
    const socket = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => {
        written.push(chunk);
        release.push(() => callback());
      },
    });
    const session = new SmppSession(socket, { enquireLinkIntervalMs: 0 });
    sessions.push(session);
    const perChunk = 1024;
    const chunks = 64;
    const chunkOf = (index: number): Buffer =>
      Buffer.concat(
        Array.from({ length: perChunk }, (_, i) => encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: index * perChunk + i + 1 })),
      );
    // The peer sends 64 chunks of 1 024 enquire_link and reads none of the answers.
    for (let index = 0; index < chunks; index++) {
      socket.push(chunkOf(index));
      await settle();
    }
    const answers = (): number => written.reduce((octets, chunk) => octets + chunk.length, 0) / 16;
    expect(answers()).toBe(perChunk);
    expect(socket.isPaused()).toBe(true);
    // The second chunk's answers wait in the session; what was not read stays with the socket
    // (with TCP, in the kernel and then with the peer).
    expect(socket.readableLength).toBe((chunks - 2) * perChunk * 16);

    // The peer reads again: everything gets answered, in order.
    for (let round = 0; round < 4 * chunks && answers() < chunks * perChunk; round++) {
      release.splice(0).forEach((done) => done());
      await settle();
    }
    expect(answers()).toBe(chunks * perChunk);
    const all = Buffer.concat(written);
    expect([all.readUInt32BE(12), all.readUInt32BE(all.length - 4)]).toEqual([1, chunks * perChunk]);
    release.splice(0).forEach((done) => done());
    await settle();
    expect(socket.isPaused()).toBe(false);
  });
});

describe('SmppSession unbind', () => {
  it('waits for in-flight responses, sends unbind, waits for unbind_resp and ends the connection', async () => {
    const { session, peer } = setup();
    const inFlight = session.request(submitSm);
    const submitted = await peer.next();
    const unbound = session.unbind();
    expect(await rejectionOf(session.request(submitSm))).toMatchObject({ code: 'CONNECTION_LOST' });
    await settle();
    expect(peer.received.map((pdu) => pdu.command)).toEqual(['submit_sm']);
    peer.send({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: submitted.sequenceNumber, messageId: 'done' });
    expect((await inFlight).messageId).toBe('done');
    const unbind = await peer.next();
    expect(unbind.command).toBe('unbind');
    peer.send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: unbind.sequenceNumber });
    await peer.waitForEnd();
    peer.socket.end();
    await unbound;
    expect(session.state).toBe('closed');
  });

  it('gives up on a silent peer after unbindTimeoutMs and destroys the connection', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { session, peer } = setup({ unbindTimeoutMs: 200 });
    const unbound = session.unbind();
    expect((await peer.next()).command).toBe('unbind');
    jest.advanceTimersByTime(200);
    await settle();
    jest.advanceTimersByTime(200);
    await unbound;
    expect(session.state).toBe('closed');
  });

  it('resolves the outstanding request list as CONNECTION_LOST, never silently', async () => {
    const { session, peer } = setup({ window: 1 });
    const settled: Array<PromiseSettledResult<Pdu>> = [];
    const requests = [session.request(submitSm), session.request(submitSm), session.request(submitSm)];
    requests.forEach((request, index) =>
      request.then(
        (value) => (settled[index] = { status: 'fulfilled', value }),
        (reason) => (settled[index] = { status: 'rejected', reason }),
      ),
    );
    await peer.next();
    session.close();
    await settle();
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
