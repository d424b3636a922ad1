import { testServerLink } from '@parchee/config/testing';
import { MetricsRegistry } from '@parchee/observability';
import { CommandStatus, submitSmBody, type Pdu } from '@parchee/smpp';
import { connectFakePeer, type FakeSmppPeer } from '@parchee/smpp/testing';
import { OperatorServers } from './operator-server';

const PASSWORD = testServerLink().password;

const peers: FakeSmppPeer[] = [];
let servers: OperatorServers | undefined;
let mos = 0;

afterEach(async () => {
  peers.splice(0).forEach((peer) => peer.socket.destroy());
  await servers?.stop();
  servers = undefined;
});

async function start(metrics?: MetricsRegistry): Promise<number> {
  mos = 0;
  servers = new OperatorServers({
    links: [testServerLink()],
    sink: {
      accept: async () => {
        mos++;
        return CommandStatus.ESME_ROK;
      },
    },
    metrics,
    bindTimeoutMs: 5000,
  });
  return (await servers.start()).get('acme') as number;
}

async function connect(port: number): Promise<FakeSmppPeer> {
  const peer = await connectFakePeer(port);
  peers.push(peer);
  return peer;
}

let sequence = 1000;
function bindPdu(password: string): Pdu {
  return {
    command: 'bind_transceiver',
    commandId: 0,
    commandStatus: 0,
    sequenceNumber: ++sequence,
    systemId: 'acme-esme',
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
    ...submitSmBody({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('3520212345671') }),
  } as Pdu;
}

async function exchange(peer: FakeSmppPeer, pdu: Pdu): Promise<Pdu> {
  peer.send(pdu);
  return peer.waitFor((p) => p.sequenceNumber === pdu.sequenceNumber);
}

async function boundPeer(port: number): Promise<FakeSmppPeer> {
  const peer = await connect(port);
  expect((await exchange(peer, bindPdu(PASSWORD))).commandStatus).toBe(CommandStatus.ESME_ROK);
  return peer;
}

/** A PDU header with any command_length, command_id and body bytes, however wrong. */
function rawPdu(commandLength: number, commandId: number, sequenceNumber: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(commandLength, 0);
  header.writeUInt32BE(commandId, 4);
  header.writeUInt32BE(0, 8);
  header.writeUInt32BE(sequenceNumber, 12);
  return Buffer.concat([header, body]);
}

describe('OperatorServers under bad input (real TCP)', () => {
  it('refuses 200 rapid wrong-password binds with ESME_RINVPASWD, closes each, keeps no session and still accepts the right password', async () => {
    const metrics = new MetricsRegistry('ingress-test');
    const port = await start(metrics);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const peer = await connect(port);
          const resp = await exchange(peer, bindPdu(`bad${wave}-${i}`.slice(0, 8)));
          expect(resp).toMatchObject({ command: 'bind_transceiver_resp', commandStatus: CommandStatus.ESME_RINVPASWD });
          await peer.waitForEnd();
        }),
      );
      peers.splice(0).forEach((peer) => peer.socket.destroy());
    }
    const refused = await metrics.counter('parchee_smpp_bind_refused_total', '', ['operator', 'reason']).get();
    expect(refused.values).toEqual([expect.objectContaining({ labels: { operator: 'acme', reason: 'wrong_password' }, value: 200 })]);
    expect(servers!.boundOperators().size).toBe(0);
    // Loose on purpose: it catches a flood that keeps sessions or buffers alive (megabytes), not a
    // slow leak, which the soak watches.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    const peer = await boundPeer(port);
    expect(servers!.boundOperators()).toEqual(new Set(['acme']));
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(mos).toBe(1);
  }, 20_000);

  it('answers a submit_sm before any bind with ESME_RINVBNDSTS and takes no MO', async () => {
    const port = await start();
    const peer = await connect(port);
    expect(await exchange(peer, submitPdu())).toMatchObject({ command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect(mos).toBe(0);
    expect((await exchange(peer, bindPdu(PASSWORD))).commandStatus).toBe(CommandStatus.ESME_ROK);
  });

  it('answers a second bind on a bound session with ESME_RALYBND and keeps the first bind', async () => {
    const port = await start();
    const peer = await boundPeer(port);
    expect((await exchange(peer, bindPdu(PASSWORD))).commandStatus).toBe(CommandStatus.ESME_RALYBND);
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(mos).toBe(1);
  });

  it('answers an unknown command id with generic_nack ESME_RINVCMDID and keeps the session', async () => {
    const port = await start();
    const peer = await boundPeer(port);
    peer.sendRaw(rawPdu(20, 0x0000abcd, 0xbad, Buffer.from('01020304', 'hex')));
    expect(await peer.waitFor((p) => p.sequenceNumber === 0xbad)).toMatchObject({ command: 'generic_nack', commandStatus: CommandStatus.ESME_RINVCMDID });
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_ROK);
  });

  it('answers a submit_sm with a truncated body with submit_sm_resp ESME_RINVCMDLEN, takes no MO from it, and keeps the session', async () => {
    const port = await start();
    const peer = await boundPeer(port);
    // service_type "" then source_addr_ton, and the body ends: every later field is missing.
    peer.sendRaw(rawPdu(19, 0x00000004, 0xbae, Buffer.from('000500', 'hex')));
    expect(await peer.waitFor((p) => p.sequenceNumber === 0xbae)).toMatchObject({ command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_RINVCMDLEN });
    expect(mos).toBe(0);
    expect((await exchange(peer, submitPdu())).commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(mos).toBe(1);
  });

  it.each([
    ['shorter than a header', 8],
    ['over 64 KiB', 64 * 1024 + 1],
    ['of 4 GiB', 0xffffffff],
  ])('answers a command_length %s with generic_nack ESME_RINVCMDLEN, drops that connection and still serves new binds', async (_, commandLength) => {
    const port = await start();
    const peer = await boundPeer(port);
    peer.sendRaw(rawPdu(commandLength, 0x00000004, 0xbaf));
    // The stream cannot be resynchronised after a bad length, so the sequence number is not trusted.
    expect(await peer.waitFor((p) => p.command === 'generic_nack')).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDLEN });
    await peer.waitForEnd();
    const next = await boundPeer(port);
    expect((await exchange(next, submitPdu())).commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(mos).toBe(1);
  });
});
