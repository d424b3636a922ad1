import { CommandId } from '../codec/command-id';
import { CommandStatus } from '../codec/command-status';
import { deliverSmBody, submitSmBody } from '../codec/pdu-defaults';
import { encodePdu } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';
import { SmppSession } from '../session/smpp-session';
import { silentSmppLogger } from '../session/smpp-logger';
import { createDuplexPair, type DuplexPairEnd } from '../testing/duplex-pair';
import type { BindType } from '../codec/bind-type';
import type { SmppSessionOptions } from '../session/smpp-session-options';
import { ServerSession } from './server-session';

function setup(
  options: Partial<SmppSessionOptions> = {},
  bindType: BindType = 'transceiver',
): { server: ServerSession; session: SmppSession; remote: DuplexPairEnd; received: () => Buffer; frames: () => Buffer[] } {
  const [local, remote] = createDuplexPair();
  const session = new SmppSession(local, { enquireLinkIntervalMs: 0, ...options });
  session.on('error', () => undefined);
  const server = new ServerSession(session, { systemId: 'esme', bindType, remoteAddress: '127.0.0.1' }, silentSmppLogger);
  session.on('request', (pdu) => server.handleRequest(pdu));
  const chunks: Buffer[] = [];
  remote.on('data', (chunk: Buffer) => chunks.push(chunk));
  const received = () => Buffer.concat(chunks);
  return { server, session, remote, received, frames: () => new PduFramer().push(received()) };
}

async function flushed(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A deliver_sm with one NUL after short_message, as some SMSCs send it (command_length counts it). */
function paddedDeliverSm(): Buffer {
  const pdu = encodePdu({
    command: 'deliver_sm',
    commandStatus: 0,
    sequenceNumber: 0,
    ...deliverSmBody({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('hello') }),
  });
  const bytes = Buffer.concat([pdu, Buffer.from([0x00])]);
  bytes.writeUInt32BE(bytes.length, 0);
  return bytes;
}

const sequenceOf = (frame: Buffer): number => frame.readUInt32BE(12);
const deliverSmResp = (sequenceNumber: number, commandStatus = 0): Buffer =>
  encodePdu({ command: 'deliver_sm_resp', commandStatus, sequenceNumber, messageId: '' });

describe('ServerSession.writeRaw (fault-injection hook)', () => {
  it('writes the octets unchanged, after the PDUs already queued', async () => {
    const { server, session, received } = setup();
    const garbage = Buffer.from('0000001400000015000000000000002adeadbeef', 'hex');
    session.send({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 7 });
    server.writeRaw(garbage);
    await flushed();
    const enquireLink = encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 7 });
    expect(received()).toEqual(Buffer.concat([enquireLink, garbage]));
    server.close();
  });

  it('writes nothing once the connection is closed', async () => {
    const { server, received } = setup();
    server.close();
    server.writeRaw(Buffer.from('00000010', 'hex'));
    await flushed();
    expect(received()).toHaveLength(0);
  });
});

describe('ServerSession.deliverSmRaw (quirk hook)', () => {
  it('sends the hand-written octets with its own sequence number and settles on the deliver_sm_resp', async () => {
    const { server, remote, frames } = setup();
    const bytes = paddedDeliverSm();
    const answered = server.deliverSmRaw(bytes);
    await flushed();
    const [frame] = frames();
    const seq = sequenceOf(frame);
    expect(seq).toBeGreaterThan(0);
    const expected = Buffer.from(bytes);
    expected.writeUInt32BE(seq, 12);
    expect(frame).toEqual(expected);
    remote.write(deliverSmResp(seq, CommandStatus.ESME_RX_R_APPN));
    await expect(answered).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_R_APPN });
    server.close();
  });

  it('waits for a window slot like any deliver_sm', async () => {
    const { server, remote, frames } = setup({ window: 1 });
    const first = server.deliverSmRaw(paddedDeliverSm());
    const second = server.deliverSmRaw(paddedDeliverSm());
    await flushed();
    expect(frames()).toHaveLength(1);
    remote.write(deliverSmResp(sequenceOf(frames()[0])));
    await expect(first).resolves.toMatchObject({ commandStatus: 0 });
    await flushed();
    expect(frames()).toHaveLength(2);
    const [a, b] = frames().map(sequenceOf);
    expect(b).not.toBe(a);
    remote.write(deliverSmResp(b));
    await expect(second).resolves.toMatchObject({ commandStatus: 0 });
    server.close();
  });

  it('is refused on a transmitter bind, as deliverSm is', async () => {
    const { server } = setup({}, 'transmitter');
    await expect(server.deliverSmRaw(paddedDeliverSm())).rejects.toMatchObject({ code: 'INVALID_BIND_TYPE' });
    server.close();
  });
});

describe('SubmitSmResult.rawResponse (quirk hook)', () => {
  const submitSm = (sequenceNumber: number): Buffer =>
    encodePdu({
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber,
      ...submitSmBody({ sourceAddr: '8300', destinationAddr: '923001234567', shortMessage: Buffer.from('hi') }),
    });
  /** A successful submit_sm_resp with no body at all: the 16-octet header. */
  const headerOnly = (): Buffer => {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32BE(16, 0);
    bytes.writeUInt32BE(CommandId.SUBMIT_SM_RESP, 4);
    return bytes;
  };

  it("answers the submit_sm with the handler's octets and the request's sequence number", async () => {
    const { server, remote, frames } = setup();
    server.setSubmitSmHandler(async () => ({ status: 0, rawResponse: headerOnly() }));
    remote.write(submitSm(42));
    await flushed();
    const expected = headerOnly();
    expected.writeUInt32BE(42, 12);
    expect(frames()).toEqual([expected]);
    server.close();
  });

  it("ends the submit_sm's turn in the peer's window, so the next one is served", async () => {
    const { server, remote, frames } = setup({ maxPeerInFlight: 1 });
    server.setSubmitSmHandler(async () => ({ status: 0, rawResponse: headerOnly() }));
    remote.write(submitSm(1));
    await flushed();
    remote.write(submitSm(2));
    await flushed();
    // Had the first stayed in flight, the second would be answered ESME_RTHROTTLED with a body-less encoded response.
    expect(frames().map((f) => ({ seq: sequenceOf(f), status: f.readUInt32BE(8), length: f.length }))).toEqual([
      { seq: 1, status: 0, length: 16 },
      { seq: 2, status: 0, length: 16 },
    ]);
    server.close();
  });
});
