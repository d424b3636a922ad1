import type { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { CommandId } from '../codec/command-id';
import { CommandStatus } from '../codec/command-status';
import { createTlv, getTlvBuffer } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import type { BindTransceiver, DeliverSm, Pdu, SubmitSm } from '../codec/pdu';
import { deliverSmBody } from '../codec/pdu-defaults';
import { encodePdu } from '../codec/pdu-codec';
import { EsmClass } from '../codec/field-values';
import type { BindType } from '../codec/bind-type';
import { SmppCommandError } from '../errors/smpp-command-error';
import { SmppError } from '../errors/smpp-error';
import { ServerSession } from '../server/server-session';
import { BindDecision, BindRequest, SmscServer, SmscServerOptions } from '../server/smsc-server';
import { FakeSmppPeer } from '../testing/fake-smpp-peer';
import { createSelfSignedCertificate } from '../testing/self-signed-cert';
import { EsmeClient, EsmeClientOptions } from './esme-client';

/** Resolves with the arguments of the next `event` (ignores 'error', unlike events.once). */
function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (...args: unknown[]) => resolve(args as T)));
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function rejectionOf(promise: Promise<unknown>): Promise<SmppError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: SmppError) => error,
  );
}

const PASSWORD = 'secret';

const servers: SmscServer[] = [];
const clients: EsmeClient[] = [];

async function startServer(overrides: Partial<SmscServerOptions> = {}): Promise<{ server: SmscServer; port: number }> {
  const server = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: (bind: BindRequest): BindDecision =>
      bind.password === PASSWORD ? { ok: true, systemId: 'TEST-SMSC' } : { ok: false, status: CommandStatus.ESME_RINVPASWD },
    sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 1_000 },
    ...overrides,
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

function createClient(port: number, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
  const client = new EsmeClient({
    host: '127.0.0.1',
    port,
    systemId: 'parchee',
    password: PASSWORD,
    bindType: 'transceiver',
    enquireLinkIntervalMs: 0,
    responseTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 10, maxDelayMs: 40, factor: 2, jitter: 0 },
    sessionOptions: { unbindTimeoutMs: 1_000 },
    ...overrides,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** Starts the client and resolves with the server-side session once both sides agree the bind is up. */
async function bindClient(server: SmscServer, client: EsmeClient): Promise<ServerSession> {
  const serverSession = nextEvent<[ServerSession]>(server, 'session');
  const bound = nextEvent(client, 'bound');
  client.start();
  const [[session]] = await Promise.all([serverSession, bound]);
  return session;
}

const rawSmscs: net.Server[] = [];
const rawSockets: net.Socket[] = [];

/**
 * An SMSC of our own that answers nothing by itself: the test reads what the client sends and
 * writes back the exact octets it wants, odd ones included. Resolves with the port and the peer
 * the first connection becomes.
 */
async function startRawSmsc(): Promise<{ port: number; connected: Promise<FakeSmppPeer> }> {
  const connection = deferred<FakeSmppPeer>();
  const server = net.createServer((socket) => {
    rawSockets.push(socket);
    connection.resolve(new FakeSmppPeer(socket));
  });
  rawSmscs.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, connected: connection.promise };
}

/** `bytes` as hex, spaces and `|` ignored, with command_length set to their size. */
function framed(text: string): Buffer {
  const bytes = Buffer.from(text.replace(/[\s|]/g, ''), 'hex');
  bytes.writeUInt32BE(bytes.length, 0);
  return bytes;
}

function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rawSockets.splice(0).forEach((socket) => socket.destroy());
  await Promise.all(rawSmscs.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('EsmeClient against SmscServer over TCP', () => {
  it.each<BindType>(['transmitter', 'receiver', 'transceiver'])('binds as %s', async (bindType) => {
    const { server, port } = await startServer();
    const client = createClient(port, { bindType });
    expect(client.isBound).toBe(false);
    const session = await bindClient(server, client);
    expect(client.isBound).toBe(true);
    expect(session.bindType).toBe(bindType);
    expect(session.systemId).toBe('parchee');
    expect([...server.sessions]).toEqual([session]);
  });

  it('rejects submit_sm at once with a retriable NOT_BOUND before the bind', async () => {
    const client = createClient(1);
    const error = await rejectionOf(client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('x') }));
    expect(error).toMatchObject({ code: 'NOT_BOUND', retriable: true });
  });

  it('round-trips submit_sm: the SMSC sees the fields and the client gets the message id', async () => {
    const { server, port } = await startServer();
    const client = createClient(port, { bindType: 'transmitter' });
    const session = await bindClient(server, client);
    const received: SubmitSm[] = [];
    session.setSubmitSmHandler(async (pdu) => {
      received.push(pdu);
      return { status: CommandStatus.ESME_ROK, messageId: `msg-${received.length}` };
    });
    const response = await client.submitSm({
      sourceAddr: '8300',
      sourceAddrTon: 5,
      destinationAddr: '923000000001',
      destAddrTon: 1,
      destAddrNpi: 1,
      dataCoding: 8,
      registeredDelivery: 1,
      shortMessage: Buffer.from('0627', 'hex'),
    });
    expect(response.messageId).toBe('msg-1');
    expect(received[0]).toMatchObject({
      sourceAddr: '8300',
      sourceAddrTon: 5,
      destinationAddr: '923000000001',
      dataCoding: 8,
      registeredDelivery: 1,
      shortMessage: Buffer.from('0627', 'hex'),
    });
  });

  it('surfaces a refused submit_sm as SmppCommandError with the SMSC status', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    const session = await bindClient(server, client);
    session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_RTHROTTLED }));
    const error = await rejectionOf(client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('x') }));
    expect(error).toBeInstanceOf(SmppCommandError);
    expect(error).toMatchObject({ commandStatus: CommandStatus.ESME_RTHROTTLED, retriable: true });
  });

  it('acks deliver_sm only after the handler resolves, with the status it returns', async () => {
    const { server, port } = await startServer();
    const client = createClient(port, { bindType: 'transceiver' });
    const stored = deferred<number>();
    const handlerCalled = deferred<DeliverSm>();
    client.setDeliverSmHandler((pdu) => {
      handlerCalled.resolve(pdu as DeliverSm);
      return stored.promise;
    });
    const session = await bindClient(server, client);
    session.setSubmitSmHandler(async () => ({ status: 0, messageId: 'probe' }));

    let acked = false;
    const delivery = session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('3520212345671') }).then((response) => {
      acked = true;
      return response;
    });
    const pdu = await handlerCalled.promise;
    expect(pdu.shortMessage.toString()).toBe('3520212345671');
    // A full round trip on the same connection: had the client answered early, that answer would be in by now.
    await client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('probe') });
    expect(acked).toBe(false);

    stored.resolve(CommandStatus.ESME_ROK);
    expect((await delivery).commandStatus).toBe(CommandStatus.ESME_ROK);
  });

  it('answers ESME_RX_T_APPN when the handler rejects, and when there is no handler', async () => {
    const { server, port } = await startServer();
    const client = createClient(port, { bindType: 'receiver' });
    const session = await bindClient(server, client);
    const noHandler = await rejectionOf(session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('a') }));
    expect(noHandler).toMatchObject({ commandStatus: CommandStatus.ESME_RX_T_APPN });

    client.setDeliverSmHandler(async () => {
      throw new Error('kafka unavailable');
    });
    const failed = await rejectionOf(session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('b') }));
    expect(failed).toMatchObject({ code: 'COMMAND_STATUS', commandStatus: CommandStatus.ESME_RX_T_APPN });
  });

  it('hands data_sm to the same handler as a deliver_sm view and answers with data_sm_resp', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    const seen: DeliverSm[] = [];
    client.setDeliverSmHandler(async (pdu) => {
      seen.push(pdu);
      return CommandStatus.ESME_ROK;
    });
    const session = await bindClient(server, client);
    const response = await session.request({
      command: 'data_sm',
      serviceType: '',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '923000000001',
      destAddrTon: 5,
      destAddrNpi: 0,
      destinationAddr: '8300',
      esmClass: 0,
      registeredDelivery: 0,
      dataCoding: 8,
      tlvs: [createTlv(TlvTag.message_payload, Buffer.from('0627', 'hex'))],
    });
    expect(response).toMatchObject({ command: 'data_sm_resp', commandStatus: CommandStatus.ESME_ROK });
    expect(seen[0]).toMatchObject({ command: 'deliver_sm', commandId: CommandId.DATA_SM, dataCoding: 8, shortMessage: Buffer.alloc(0) });
    expect(getTlvBuffer(seen[0], TlvTag.message_payload)).toEqual(Buffer.from('0627', 'hex'));
  });

  it('runs many deliver_sm handlers at once', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    let calls = 0;
    const allCalled = deferred<void>();
    client.setDeliverSmHandler(() => {
      const gate = gates[calls++];
      if (calls === gates.length) allCalled.resolve();
      return gate.promise;
    });
    const session = await bindClient(server, client);
    const deliveries = gates.map((_, i) => session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from(`m${i}`) }));
    await allCalled.promise;
    gates.forEach((gate) => gate.resolve(CommandStatus.ESME_ROK));
    expect((await Promise.all(deliveries)).map((response) => response.commandStatus)).toEqual([0, 0, 0]);
  });

  it('keeps retrying a bind refused with ESME_RSYSERR with growing backoff, then binds once the SMSC accepts it', async () => {
    let smscReady = false;
    const { server, port } = await startServer({
      authenticate: () => (smscReady ? { ok: true } : { ok: false, status: CommandStatus.ESME_RSYSERR }),
    });
    const client = createClient(port, { reconnect: { initialDelayMs: 5, factor: 2, maxDelayMs: 1_000, jitter: 0 } });
    const errors: Error[] = [];
    const delays: number[] = [];
    const failures: number[] = [];
    client.on('error', (error) => errors.push(error));
    server.on('bind-failed', (failure) => failures.push(failure.status));
    const thirdAttempt = deferred<void>();
    client.on('reconnecting', ({ delayMs }) => {
      delays.push(delayMs);
      if (delays.length === 3) thirdAttempt.resolve();
    });
    client.start();
    await thirdAttempt.promise;
    expect(delays).toEqual([5, 10, 20]);
    expect(failures.slice(0, 3)).toEqual([CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RSYSERR]);
    const bindError = errors.find((error) => error instanceof SmppCommandError) as SmppCommandError;
    expect(bindError).toMatchObject({ code: 'BIND_FAILED', commandStatus: CommandStatus.ESME_RSYSERR });
    expect(client.isBound).toBe(false);

    smscReady = true;
    await nextEvent(client, 'bound');
    expect(client.isBound).toBe(true);
  });

  it('retries refused credentials only after authFailureDelayMs, then binds once the password is right', async () => {
    let acceptedPassword = 'not-yet';
    const { server, port } = await startServer({
      authenticate: (bind) => (bind.password === acceptedPassword ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD }),
    });
    const client = createClient(port, { reconnect: { initialDelayMs: 5, factor: 2, maxDelayMs: 1_000, jitter: 0, authFailureDelayMs: 300 } });
    const attempts: number[] = [];
    server.on('bind-failed', () => attempts.push(performance.now()));
    const delays: number[] = [];
    client.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    const refused = nextEvent<[{ status: number; credentials: boolean }]>(client, 'bind_refused');
    client.start();
    expect((await refused)[0]).toEqual({ status: CommandStatus.ESME_RINVPASWD, credentials: true });
    await nextEvent(client, 'bind_refused');
    expect(delays.slice(0, 2)).toEqual([300, 300]);
    // Not the 5 ms fast backoff. (Below 300: a timer counts from the event loop's cached time.)
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(250);

    acceptedPassword = PASSWORD;
    await nextEvent(client, 'bound');
    expect(client.isBound).toBe(true);
  });

  it('rejects in-flight requests with CONNECTION_LOST when the SMSC drops the connection, then binds again', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    const firstSession = await bindClient(server, client);
    const submitArrived = deferred<void>();
    firstSession.setSubmitSmHandler(() => {
      submitArrived.resolve();
      return new Promise(() => undefined);
    });
    const inFlight = client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('lost') });
    await submitArrived.promise;

    const unbound = nextEvent<[string]>(client, 'unbound');
    const rebound = nextEvent<[ServerSession]>(server, 'session');
    const clientRebound = nextEvent(client, 'bound');
    firstSession.close('operator restart');
    const error = await rejectionOf(inFlight);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', retriable: true });
    expect((await unbound)[0]).toEqual(expect.any(String));
    const [secondSession] = await rebound;
    await clientRebound;
    expect(secondSession).not.toBe(firstSession);
    secondSession.setSubmitSmHandler(async () => ({ status: 0, messageId: 'after-rebind' }));
    expect(client.isBound).toBe(true);
    expect((await client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('again') })).messageId).toBe('after-rebind');
  });

  it('holds the N+1th request until a response frees a slot in a window of N', async () => {
    const { server, port } = await startServer();
    const client = createClient(port, { window: 2 });
    const session = await bindClient(server, client);
    const answers: Array<Deferred<{ status: number; messageId: string }>> = [];
    const twoArrived = deferred<void>();
    const thirdArrived = deferred<void>();
    session.setSubmitSmHandler(() => {
      const answer = deferred<{ status: number; messageId: string }>();
      answers.push(answer);
      if (answers.length === 2) twoArrived.resolve();
      if (answers.length === 3) thirdArrived.resolve();
      return answer.promise;
    });
    client.setDeliverSmHandler(async () => CommandStatus.ESME_ROK);
    const submits = [1, 2, 3].map((n) => client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from(`m${n}`) }));
    await twoArrived.promise;
    expect(client.pendingRequests).toBe(3);
    // deliver_sm_resp travels the same socket after anything the client wrote before it.
    await session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('sync') });
    expect(answers).toHaveLength(2);

    answers[0].resolve({ status: 0, messageId: 'a' });
    await thirdArrived.promise;
    answers[1].resolve({ status: 0, messageId: 'b' });
    answers[2].resolve({ status: 0, messageId: 'c' });
    expect((await Promise.all(submits)).map((response) => response.messageId)).toEqual(['a', 'b', 'c']);
  });

  it('paces submit_sm at maxSubmitPerSecond: the SMSC receives them spread over time, not in a burst', async () => {
    const { server, port } = await startServer();
    const rate = 200;
    const count = 40;
    const client = createClient(port, { bindType: 'transmitter', window: 10, maxSubmitPerSecond: rate });
    const session = await bindClient(server, client);
    const arrivals: number[] = [];
    session.setSubmitSmHandler(async () => {
      arrivals.push(performance.now());
      return { status: CommandStatus.ESME_ROK, messageId: `m${arrivals.length}` };
    });
    const submits = Array.from({ length: count }, (_, i) => client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from(`m${i}`) }));
    expect((await Promise.all(submits)).map((response) => response.messageId)).toEqual(Array.from({ length: count }, (_, i) => `m${i + 1}`));
    // The client sends them 1/rate apart: 39 gaps, 195 ms. Unpaced they would all arrive within a
    // few ms. Half the paced span leaves room for the server reading late (a stall bunches arrivals).
    const pacedSpanMs = ((count - 1) * 1000) / rate;
    expect(arrivals[count - 1] - arrivals[0]).toBeGreaterThanOrEqual(pacedSpanMs / 2);
  });

  it('unbinds gracefully on stop() and does not reconnect', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    const session = await bindClient(server, client);
    const serverClosed = nextEvent<[string]>(session, 'close');
    const reconnects: unknown[] = [];
    client.on('reconnecting', (info) => reconnects.push(info));
    await client.stop();
    expect((await serverClosed)[0]).toBe('peer unbound');
    expect(client.isBound).toBe(false);
    expect(server.sessions.size).toBe(0);
    expect(reconnects).toEqual([]);
  });

  it('is unbound by the server on server.close()', async () => {
    const { server, port } = await startServer();
    const client = createClient(port);
    await bindClient(server, client);
    const unbound = nextEvent<[string]>(client, 'unbound');
    await server.close();
    expect((await unbound)[0]).toBe('peer unbound');
    expect(client.isBound).toBe(false);
  });
});

describe('EsmeClient against SmscServer over TLS', () => {
  it('binds and round-trips submit_sm with TLS on both sides', async () => {
    const { key, cert } = createSelfSignedCertificate();
    const { server, port } = await startServer({ tls: { key, cert } });
    const client = createClient(port, { tls: { ca: cert, servername: 'localhost' } });
    const session = await bindClient(server, client);
    session.setSubmitSmHandler(async () => ({ status: 0, messageId: 'over-tls' }));
    expect((await client.submitSm({ destinationAddr: '923000000001', shortMessage: Buffer.from('x') })).messageId).toBe('over-tls');
  });

  it('refuses to bind to a server whose certificate it does not trust', async () => {
    const { key, cert } = createSelfSignedCertificate();
    const { server, port } = await startServer({ tls: { key, cert } });
    const client = createClient(port, { tls: { servername: 'localhost' } });
    const sessions: ServerSession[] = [];
    server.on('session', (session) => sessions.push(session));
    const error = nextEvent<[Error]>(client, 'error');
    client.start();
    const [tlsError] = await error;
    expect(tlsError.message).toMatch(/self[- ]signed|certificate/i);
    expect(client.isBound).toBe(false);
    expect(sessions).toEqual([]);
  });
});

describe('EsmeClient against an SMSC that sends odd PDUs, over TCP', () => {
  /** Starts the client against a raw SMSC and answers its bind with `bindResp` (hex, command_length fixed up). */
  async function bindWith(
    bindResp: (sequenceNumber: number) => string,
    handler?: (pdu: DeliverSm) => Promise<number>,
  ): Promise<{ client: EsmeClient; smsc: FakeSmppPeer }> {
    const { port, connected } = await startRawSmsc();
    const client = createClient(port, { bindType: 'transceiver' });
    if (handler) client.setDeliverSmHandler(handler);
    const bound = nextEvent(client, 'bound');
    client.start();
    const smsc = await connected;
    const bind = (await smsc.next()) as BindTransceiver;
    expect(bind.command).toBe('bind_transceiver');
    smsc.sendRaw(framed(bindResp(bind.sequenceNumber)));
    await bound;
    return { client, smsc };
  }

  /** Stops the client, answering its unbind as an SMSC would. */
  async function stop(client: EsmeClient, smsc: FakeSmppPeer): Promise<void> {
    const stopped = client.stop();
    const unbind = await smsc.waitFor((pdu) => pdu.command === 'unbind');
    smsc.send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: unbind.sequenceNumber });
    await stopped;
  }

  const seq = (n: number): string => n.toString(16).padStart(8, '0');

  it.each([
    ['a system_id of 20 characters', (n: number) => `00000000 80000009 00000000 ${seq(n)} ${ascii('SMSC-GATEWAY-KARACHI')}00 | 0210 0001 34`],
    ['a system_id without its NUL', (n: number) => `00000000 80000009 00000000 ${seq(n)} ${ascii('SMSC-GATEWAY-KARACHI')}`],
  ])('binds when the bind_transceiver_resp carries %s', async (_name, bindResp) => {
    const { client, smsc } = await bindWith(bindResp);
    expect(client.isBound).toBe(true);
    await stop(client, smsc);
  });

  /** A deliver_sm from the SMSC, encoded and changed by `mutate`, command_length fixed up. */
  function deliverSmBytes(sequenceNumber: number, text: string, options: { esmClass?: number; mutate?: (bytes: Buffer) => Buffer } = {}): Buffer {
    const pdu: Pdu = {
      command: 'deliver_sm',
      commandId: CommandId.DELIVER_SM,
      commandStatus: 0,
      sequenceNumber,
      ...deliverSmBody({ sourceAddr: '923000000001', destinationAddr: '8300', esmClass: options.esmClass ?? 0, shortMessage: Buffer.from(text, 'latin1') }),
    };
    const bytes = (options.mutate ?? ((b: Buffer) => b))(Buffer.from(encodePdu(pdu)));
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  }

  /** The deliver_sm with its body cut after esm_class: protocol_id and every field after it are missing. */
  const cutAfterEsmClass = (bytes: Buffer): Buffer => bytes.subarray(0, 40);
  /** The deliver_sm with the last four octets of its short_message gone, so sm_length runs past the end. */
  const shortMessageCut = (bytes: Buffer): Buffer => bytes.subarray(0, bytes.length - 4);

  it.each([
    ['an MO whose mandatory fields run past the end of the PDU', 0, cutAfterEsmClass],
    ['an MO whose short_message runs past the end of the PDU', 0, shortMessageCut],
    ['a delivery receipt whose short_message runs past the end of the PDU', EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, shortMessageCut],
  ])('answers %s with deliver_sm_resp ESME_RX_P_APPN, hands it to no handler, and takes the next deliver_sm', async (_name, esmClass, mutate) => {
    const handled: string[] = [];
    const { client, smsc } = await bindWith(
      (n) => `00000000 80000009 00000000 ${seq(n)} ${ascii('SMSC')}00`,
      async (pdu) => {
        handled.push(pdu.shortMessage.toString('latin1'));
        return CommandStatus.ESME_ROK;
      },
    );
    smsc.sendRaw(Buffer.concat([deliverSmBytes(0x100, 'id:abc123 stat:DELIVRD 3520212345671', { esmClass, mutate }), deliverSmBytes(0x101, '3520212345672')]));
    expect(await smsc.waitFor((pdu) => pdu.sequenceNumber === 0x100)).toEqual({
      command: 'deliver_sm_resp',
      commandId: 0x80000005,
      commandStatus: CommandStatus.ESME_RX_P_APPN,
      sequenceNumber: 0x100,
      messageId: '',
    });
    expect(await smsc.waitFor((pdu) => pdu.sequenceNumber === 0x101)).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_ROK });
    expect(handled).toEqual(['3520212345672']);
    expect(smsc.received.filter((pdu) => pdu.command === 'generic_nack')).toEqual([]);
    expect(client.isBound).toBe(true);
    await stop(client, smsc);
  });

  it('answers a data_sm it cannot read with data_sm_resp ESME_RX_P_APPN and takes the next one', async () => {
    const handled: number[] = [];
    const { client, smsc } = await bindWith(
      (n) => `00000000 80000009 00000000 ${seq(n)} ${ascii('SMSC')}00`,
      async (pdu) => {
        handled.push(pdu.sequenceNumber);
        return CommandStatus.ESME_ROK;
      },
    );
    const dataSm = (sequenceNumber: number): Buffer =>
      Buffer.from(
        encodePdu({
          command: 'data_sm',
          commandStatus: 0,
          sequenceNumber,
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
          tlvs: [createTlv(TlvTag.message_payload, Buffer.from('3520212345671'))],
        }),
      );
    // The first one's body stops before data_coding (its TLVs dropped with it).
    const cut = dataSm(0x200).subarray(0, 16 + 1 + 2 + 13 + 2 + 5 + 2);
    cut.writeUInt32BE(cut.length, 0);
    smsc.sendRaw(Buffer.concat([cut, dataSm(0x201)]));
    expect(await smsc.waitFor((pdu) => pdu.sequenceNumber === 0x200)).toMatchObject({ command: 'data_sm_resp', commandStatus: CommandStatus.ESME_RX_P_APPN });
    expect(await smsc.waitFor((pdu) => pdu.sequenceNumber === 0x201)).toMatchObject({ command: 'data_sm_resp', commandStatus: CommandStatus.ESME_ROK });
    expect(handled).toEqual([0x201]);
    await stop(client, smsc);
  });
});
