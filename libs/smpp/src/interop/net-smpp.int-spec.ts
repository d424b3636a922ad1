import type { EventEmitter } from 'node:events';
import type { BindType } from '../codec/bind-type';
import { CommandStatus } from '../codec/command-status';
import type { DeliverSm, SubmitSm } from '../codec/pdu';
import { EsmeClient, EsmeClientOptions } from '../client/esme-client';
import type { SmppCommandError } from '../errors/smpp-command-error';
import type { ServerSession } from '../server/server-session';
import { BindFailure, BindRequest, BindDecision, SmscServer } from '../server/smsc-server';
import { encodeGsm7 } from '../text/gsm7';
import { decodeUcs2, encodeUcs2 } from '../text/ucs2';
import { PerlPeerProcess } from './perl-peer-process';

// Net::SMPP (Debian's libnet-smpp-perl) is an SMPP 3.4 implementation written independently of
// ours; deploy/local/ensure-test-tools.sh installs it before the integration tests.

const SYSTEM_ID = 'parchee';
const PASSWORD = 'secret';
const SUBSCRIBER = '923001234567';
const SHORT_CODE = '8300';
// '@' is 0x00 and '€' an escape pair in GSM 03.38: both must cross the wire byte for byte.
const GSM_TEXT = 'Parchee: polling station GBPS No. 2 @ Lahore, fee 0 €';
const URDU_TEXT = 'آپ کا ووٹ لاہور میں ہے';

function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

const peers: PerlPeerProcess[] = [];
const clients: EsmeClient[] = [];
const servers: SmscServer[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  const finished = peers.splice(0);
  await Promise.all(finished.map((peer) => peer.kill()));
  // Net::SMPP warns on stderr about what it cannot parse (unknown TLV tags, short PDUs): none expected.
  expect(finished.map((peer) => peer.stderrText)).toEqual(finished.map(() => ''));
});

describe('our EsmeClient against the Net::SMPP SMSC', () => {
  async function startPerlSmsc(): Promise<{ smsc: PerlPeerProcess; port: number }> {
    const smsc = new PerlPeerProcess('net-smpp-smsc.pl', ['--port', '0', '--system-id', SYSTEM_ID, '--password', PASSWORD, '--smsc-id', 'PERL-SMSC']);
    peers.push(smsc);
    const listening = await smsc.waitFor('listening');
    return { smsc, port: listening['port'] as number };
  }

  function createClient(port: number, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port,
      systemId: SYSTEM_ID,
      password: PASSWORD,
      bindType: 'transceiver',
      enquireLinkIntervalMs: 0,
      responseTimeoutMs: 5_000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, factor: 2, jitter: 0 },
      sessionOptions: { unbindTimeoutMs: 2_000 },
      ...overrides,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  async function bindClient(bindType: BindType): Promise<{ smsc: PerlPeerProcess; client: EsmeClient }> {
    const { smsc, port } = await startPerlSmsc();
    const client = createClient(port, { bindType });
    const bound = nextEvent(client, 'bound');
    client.start();
    await bound;
    return { smsc, client };
  }

  it.each<BindType>(['transceiver', 'transmitter', 'receiver'])('binds as %s with its system_id and password, and stop() unbinds cleanly', async (bindType) => {
    const { smsc, client } = await bindClient(bindType);

    expect(await smsc.waitFor('bind')).toMatchObject({ ok: 1, bind_type: bindType, system_id: SYSTEM_ID, interface_version: 0x34 });
    expect(client.isBound).toBe(true);

    const unbound = nextEvent<[string]>(client, 'unbound');
    await client.stop();
    await smsc.waitFor('unbind');
    await smsc.waitFor('closed');
    await unbound;
    expect(client.isBound).toBe(false);
  });

  it('submits a GSM text and a UCS-2 Urdu text that arrive byte for byte, and gets the SMSC message ids', async () => {
    const { smsc, client } = await bindClient('transceiver');

    const gsm = await client.submitSm({ sourceAddr: SHORT_CODE, destinationAddr: SUBSCRIBER, dataCoding: 0, shortMessage: encodeGsm7(GSM_TEXT) });
    const urdu = await client.submitSm({
      sourceAddr: SHORT_CODE,
      destAddrTon: 1,
      destAddrNpi: 1,
      destinationAddr: SUBSCRIBER,
      dataCoding: 8,
      registeredDelivery: 1,
      shortMessage: encodeUcs2(URDU_TEXT),
    });

    // stdout and the socket are separate channels: the response can overtake the printed line.
    const gsmSeen = await smsc.waitFor('submit_sm', (event) => event['message_id'] === gsm.messageId);
    const urduSeen = await smsc.waitFor('submit_sm', (event) => event['message_id'] === urdu.messageId);
    expect(gsmSeen).toMatchObject({
      source_addr: SHORT_CODE,
      destination_addr: SUBSCRIBER,
      data_coding: 0,
      esm_class: 0,
      short_message_hex: encodeGsm7(GSM_TEXT).toString('hex'),
    });
    expect(urduSeen).toMatchObject({
      source_addr: SHORT_CODE,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: SUBSCRIBER,
      data_coding: 8,
      registered_delivery: 1,
      short_message_hex: encodeUcs2(URDU_TEXT).toString('hex'),
    });
    // UCS-2 is UTF-16 big-endian for Urdu (all in the BMP): Node's own UTF-16 is the reference.
    expect(urduSeen['short_message_hex']).toBe(Buffer.from(URDU_TEXT, 'utf16le').swap16().toString('hex'));
    expect([gsm.commandStatus, urdu.commandStatus]).toEqual([CommandStatus.ESME_ROK, CommandStatus.ESME_ROK]);
    expect(gsm.messageId).toBe('perl-1');
    expect(urdu.messageId).toBe('perl-2');
  });

  it.each<BindType>(['transceiver', 'receiver'])(
    'hands a deliver_sm from the Net::SMPP SMSC to its handler and acks it with ESME_ROK (%s)',
    async (bindType) => {
      const { smsc: pending, port } = await startPerlSmsc();
      const client = createClient(port, { bindType });
      const received: DeliverSm[] = [];
      client.setDeliverSmHandler(async (pdu) => {
        received.push(pdu);
        return CommandStatus.ESME_ROK;
      });
      const bound = nextEvent(client, 'bound');
      client.start();
      await bound;

      pending.send({
        command: 'deliver_sm',
        source_addr: SUBSCRIBER,
        destination_addr: SHORT_CODE,
        data_coding: 8,
        short_message_hex: encodeUcs2('35202-1234567-1').toString('hex'),
      });
      const sent = await pending.waitFor('deliver_sm_sent');
      const resp = await pending.waitFor('deliver_sm_resp', (event) => event['seq'] === sent['seq']);

      expect(resp['status']).toBe(CommandStatus.ESME_ROK);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ sourceAddr: SUBSCRIBER, destinationAddr: SHORT_CODE, dataCoding: 8, sequenceNumber: sent['seq'] });
      expect(decodeUcs2(received[0].shortMessage)).toBe('35202-1234567-1');
    },
  );

  it('gets its enquire_link answered by the Net::SMPP SMSC', async () => {
    const { smsc, client } = await bindClient('transceiver');

    const response = await client.request({ command: 'enquire_link' });

    expect(response).toMatchObject({ command: 'enquire_link_resp', commandStatus: CommandStatus.ESME_ROK });
    expect(await smsc.waitFor('enquire_link')).toMatchObject({ seq: response.sequenceNumber });
  });

  it('reports a bind the Net::SMPP SMSC refuses with ESME_RINVPASWD as BIND_FAILED', async () => {
    const { smsc, port } = await startPerlSmsc();
    const client = createClient(port, { password: 'wrong' });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const failed = nextEvent(client, 'reconnecting');
    client.start();
    await failed;

    expect(await smsc.waitFor('bind')).toMatchObject({ ok: 0, status: CommandStatus.ESME_RINVPASWD });
    expect(errors[0]).toMatchObject({ code: 'BIND_FAILED', commandStatus: CommandStatus.ESME_RINVPASWD } satisfies Partial<SmppCommandError>);
    expect(client.isBound).toBe(false);
  });
});

describe('the Net::SMPP ESME against our SmscServer', () => {
  async function startServer(): Promise<{ server: SmscServer; port: number }> {
    const server = new SmscServer({
      host: '127.0.0.1',
      port: 0,
      systemId: 'PARCHEE-SMSC',
      authenticate: (bind: BindRequest): BindDecision =>
        bind.systemId === SYSTEM_ID && bind.password === PASSWORD ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD },
      sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 2_000, responseTimeoutMs: 5_000 },
    });
    servers.push(server);
    const { port } = await server.listen();
    return { server, port };
  }

  function startPerlEsme(port: number, args: string[]): PerlPeerProcess {
    const esme = new PerlPeerProcess('net-smpp-esme.pl', [
      '--port',
      String(port),
      '--system-id',
      SYSTEM_ID,
      '--source-addr',
      SHORT_CODE,
      '--timeout',
      '20',
      ...args,
    ]);
    peers.push(esme);
    return esme;
  }

  it('binds it, takes its submit_sm with our message ids, gets our deliver_sm and enquire_link acked, and answers its unbind', async () => {
    const { server, port } = await startServer();
    const submits: SubmitSm[] = [];
    const sessionBound = nextEvent<[ServerSession]>(server, 'session');
    server.on('session', (session) => {
      session.setSubmitSmHandler(async (pdu) => {
        submits.push(pdu);
        return { status: CommandStatus.ESME_ROK, messageId: `parchee-${submits.length}` };
      });
    });

    const esme = startPerlEsme(port, [
      '--password',
      PASSWORD,
      '--submit',
      `${SUBSCRIBER},8,${encodeUcs2(URDU_TEXT).toString('hex')}`,
      '--submit',
      `${SUBSCRIBER},0,${encodeGsm7(GSM_TEXT).toString('hex')}`,
      '--expect-deliver',
      '1',
    ]);
    const [session] = await sessionBound;

    expect(await esme.waitFor('bind_resp')).toMatchObject({ status: CommandStatus.ESME_ROK, system_id: 'PARCHEE-SMSC' });
    expect(session).toMatchObject({ systemId: SYSTEM_ID, bindType: 'transceiver' });

    const firstResp = await esme.waitFor('submit_sm_resp', (event) => event['message_id'] === 'parchee-1');
    const secondResp = await esme.waitFor('submit_sm_resp', (event) => event['message_id'] === 'parchee-2');
    expect([firstResp['status'], secondResp['status']]).toEqual([CommandStatus.ESME_ROK, CommandStatus.ESME_ROK]);
    expect(submits).toHaveLength(2);
    expect(submits[0]).toMatchObject({ sourceAddr: SHORT_CODE, destinationAddr: SUBSCRIBER, dataCoding: 8, sequenceNumber: firstResp['seq'] });
    expect(decodeUcs2(submits[0].shortMessage)).toBe(URDU_TEXT);
    expect(submits[1]).toMatchObject({ sourceAddr: SHORT_CODE, destinationAddr: SUBSCRIBER, dataCoding: 0, sequenceNumber: secondResp['seq'] });
    expect(submits[1].shortMessage.equals(encodeGsm7(GSM_TEXT))).toBe(true);

    const enquire = await session.request({ command: 'enquire_link' });
    expect(enquire).toMatchObject({ command: 'enquire_link_resp', commandStatus: CommandStatus.ESME_ROK });
    await esme.waitFor('enquire_link');

    const mo = encodeUcs2('35202-1234567-1');
    const deliverResp = await session.deliverSm({ sourceAddr: SUBSCRIBER, destinationAddr: SHORT_CODE, dataCoding: 8, shortMessage: mo });
    expect(deliverResp).toMatchObject({ command: 'deliver_sm_resp', commandStatus: CommandStatus.ESME_ROK });
    expect(await esme.waitFor('deliver_sm')).toMatchObject({
      source_addr: SUBSCRIBER,
      destination_addr: SHORT_CODE,
      data_coding: 8,
      short_message_hex: mo.toString('hex'),
    });

    expect(await esme.waitFor('unbind_resp')).toMatchObject({ status: CommandStatus.ESME_ROK });
    expect(await esme.exitCodeWithin()).toBe(0);
    await session.closed;
    expect(server.sessions.size).toBe(0);
  });

  it('refuses a wrong password with ESME_RINVPASWD as Net::SMPP sees it', async () => {
    const { server, port } = await startServer();
    const bindFailed = nextEvent<[BindFailure]>(server, 'bind-failed');

    const esme = startPerlEsme(port, ['--password', 'wrong']);

    expect(await esme.waitFor('bind_resp')).toMatchObject({ status: CommandStatus.ESME_RINVPASWD });
    expect(await esme.exitCodeWithin()).toBe(3);
    expect((await bindFailed)[0]).toMatchObject({ systemId: SYSTEM_ID, status: CommandStatus.ESME_RINVPASWD });
    expect(server.sessions.size).toBe(0);
  });
});
