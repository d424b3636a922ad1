import { once } from 'node:events';
import * as net from 'node:net';
import { CommandStatus } from '../codec/command-status';
import type { BindTransceiverResp, Pdu } from '../codec/pdu';
import { submitSmBody } from '../codec/pdu-defaults';
import { encodePdu } from '../codec/pdu-codec';
import { getTlvNumber } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import type { BindType } from '../codec/bind-type';
import { FakeSmppPeer } from '../testing/fake-smpp-peer';
import type { ServerSession } from './server-session';
import { SmscServer, SmscServerOptions } from './smsc-server';

const servers: SmscServer[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(overrides: Partial<SmscServerOptions> = {}): Promise<{ server: SmscServer; port: number }> {
  const server = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    systemId: 'TEST-SMSC',
    authenticate: (bind) => (bind.password === 'secret' ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD }),
    sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 500 },
    ...overrides,
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

async function connect(port: number): Promise<FakeSmppPeer> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  return new FakeSmppPeer(socket);
}

let sequence = 100;
function bindPdu(bindType: BindType, password = 'secret'): Pdu {
  return {
    command: `bind_${bindType}`,
    commandId: 0,
    commandStatus: 0,
    sequenceNumber: ++sequence,
    systemId: 'esme',
    password,
    systemType: '',
    interfaceVersion: 0x34,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '',
  } as Pdu;
}

function submitPdu(): Pdu {
  return {
    command: 'submit_sm',
    commandId: 4,
    commandStatus: 0,
    sequenceNumber: ++sequence,
    ...submitSmBody({ destinationAddr: '923000000001', shortMessage: Buffer.from('x') }),
  };
}

async function exchange(peer: FakeSmppPeer, pdu: Pdu): Promise<Pdu> {
  peer.send(pdu);
  return peer.waitFor((received) => received.sequenceNumber === pdu.sequenceNumber && received.commandId !== pdu.commandId);
}

async function bound(server: SmscServer, peer: FakeSmppPeer, bindType: BindType): Promise<ServerSession> {
  const session = once(server, 'session') as Promise<[ServerSession]>;
  const response = await exchange(peer, bindPdu(bindType));
  expect(response.commandStatus).toBe(CommandStatus.ESME_ROK);
  return (await session)[0];
}

describe('SmscServer', () => {
  it('accepts a bind with bind_resp naming the SMSC and announcing SMPP 3.4', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const session = once(server, 'session') as Promise<[ServerSession]>;
    const response = (await exchange(peer, bindPdu('transceiver'))) as BindTransceiverResp;
    expect(response).toMatchObject({ command: 'bind_transceiver_resp', commandStatus: 0, systemId: 'TEST-SMSC' });
    expect(getTlvNumber(response, TlvTag.sc_interface_version)).toBe(0x34);
    const [serverSession] = await session;
    expect(serverSession).toMatchObject({ systemId: 'esme', bindType: 'transceiver', remoteAddress: '127.0.0.1' });
  });

  it('refuses a wrong password with ESME_RINVPASWD, reports bind-failed and closes the connection', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const failed = once(server, 'bind-failed');
    const response = await exchange(peer, bindPdu('transmitter', 'wrong'));
    expect(response).toMatchObject({ command: 'bind_transmitter_resp', commandStatus: CommandStatus.ESME_RINVPASWD });
    expect((await failed)[0]).toEqual({ systemId: 'esme', remoteAddress: '127.0.0.1', status: CommandStatus.ESME_RINVPASWD });
    await peer.waitForEnd();
    expect(server.sessions.size).toBe(0);
  });

  it('refuses the bind with ESME_RBINDFAIL when authenticate throws', async () => {
    const { port } = await startServer({
      authenticate: async () => {
        throw new Error('directory down');
      },
    });
    const peer = await connect(port);
    expect((await exchange(peer, bindPdu('transmitter'))).commandStatus).toBe(CommandStatus.ESME_RBINDFAIL);
  });

  it('answers requests before a bind with ESME_RINVBNDSTS, but still answers enquire_link', async () => {
    const { port } = await startServer();
    const peer = await connect(port);
    expect(await exchange(peer, submitPdu())).toMatchObject({ command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect(await exchange(peer, { command: 'enquire_link', commandId: 0x15, commandStatus: 0, sequenceNumber: ++sequence })).toMatchObject({
      command: 'enquire_link_resp',
      commandStatus: 0,
    });
  });

  it('answers a second bind with ESME_RALYBND', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    await bound(server, peer, 'transmitter');
    expect((await exchange(peer, bindPdu('receiver'))).commandStatus).toBe(CommandStatus.ESME_RALYBND);
  });

  it('answers submit_sm on a receiver bind with ESME_RINVBNDSTS', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const session = await bound(server, peer, 'receiver');
    session.setSubmitSmHandler(async () => ({ status: 0, messageId: 'should-not-happen' }));
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_RINVBNDSTS);
  });

  it('refuses to send deliver_sm to a transmitter bind', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const session = await bound(server, peer, 'transmitter');
    await expect(session.deliverSm({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('x') })).rejects.toMatchObject({
      code: 'INVALID_BIND_TYPE',
      retriable: false,
    });
  });

  it('answers submit_sm with ESME_RSYSERR when no handler is set', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    await bound(server, peer, 'transmitter');
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_RSYSERR);
  });

  it('answers a command_id it does not know with generic_nack and keeps serving the session', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const session = await bound(server, peer, 'transceiver');
    session.setSubmitSmHandler(async () => ({ status: 0, messageId: 'still-here' }));
    peer.sendRaw(Buffer.from('00000014 0000abcd 00000000 00000bad 01020304'.replace(/\s/g, ''), 'hex'));
    expect(await peer.waitFor((pdu) => pdu.sequenceNumber === 0xbad)).toMatchObject({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDID });
    expect(await exchange(peer, submitPdu())).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0, messageId: 'still-here' });
    expect(session.isOpen).toBe(true);
  });

  /** `pdu` encoded and changed by `mutate`, command_length fixed up. */
  function mangled(pdu: Pdu, mutate: (bytes: Buffer) => Buffer): Buffer {
    const bytes = mutate(Buffer.from(encodePdu(pdu)));
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  }

  const message = submitSmBody({ destinationAddr: '8300', sourceAddr: '923000000001', shortMessage: Buffer.from('3520212345671') });

  it.each([
    [
      'a submit_sm whose body stops after source_addr_ton',
      Buffer.from('00000013 00000004 00000000 00000bae 000500'.replace(/\s/g, ''), 'hex'),
      'submit_sm_resp',
      CommandStatus.ESME_RINVCMDLEN,
    ],
    [
      'a submit_sm whose short_message runs past the end',
      mangled({ command: 'submit_sm', commandId: 4, commandStatus: 0, sequenceNumber: 0xbae, ...message }, (bytes) => bytes.subarray(0, bytes.length - 4)),
      'submit_sm_resp',
      CommandStatus.ESME_RINVMSGLEN,
    ],
    [
      'a deliver_sm whose mandatory fields run past the end',
      mangled({ command: 'deliver_sm', commandId: 5, commandStatus: 0, sequenceNumber: 0xbae, ...message }, (bytes) => bytes.subarray(0, 40)),
      'deliver_sm_resp',
      CommandStatus.ESME_RX_P_APPN,
    ],
    [
      'a data_sm cut short before data_coding',
      mangled(
        {
          command: 'data_sm',
          commandId: 0x103,
          commandStatus: 0,
          sequenceNumber: 0xbae,
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
        },
        (bytes) => bytes.subarray(0, bytes.length - 1),
      ),
      'data_sm_resp',
      CommandStatus.ESME_RX_P_APPN,
    ],
  ])('answers %s with its own response and an error status, not generic_nack, and serves the next PDU', async (_name, bytes, response, status) => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    const session = await bound(server, peer, 'transceiver');
    const submitted: string[] = [];
    session.setSubmitSmHandler(async (pdu) => {
      submitted.push(pdu.shortMessage.toString('latin1'));
      return { status: 0, messageId: 'still-here' };
    });
    peer.sendRaw(bytes);
    expect(await peer.waitFor((pdu) => pdu.sequenceNumber === 0xbae)).toMatchObject({ command: response, commandStatus: status });
    expect(await exchange(peer, submitPdu())).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0, messageId: 'still-here' });
    expect(submitted).toEqual(['x']);
    expect(peer.received.filter((pdu) => pdu.command === 'generic_nack')).toEqual([]);
    expect(session.isOpen).toBe(true);
  });

  it('drops a connection that does not bind in time', async () => {
    const { port } = await startServer({ bindTimeoutMs: 50 });
    const peer = await connect(port);
    await peer.waitForEnd();
    expect(peer.received).toEqual([]);
  });

  it('answers a deliver_sm sent by an ESME with ESME_RINVCMDID', async () => {
    const { server, port } = await startServer();
    const peer = await connect(port);
    await bound(server, peer, 'transceiver');
    const deliver = { ...submitPdu(), command: 'deliver_sm', commandId: 5 } as Pdu;
    expect(await exchange(peer, deliver)).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_RINVCMDID });
  });
});
