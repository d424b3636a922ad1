import {
  CommandStatus,
  deliveryKind,
  encodePdu,
  EsmeClient,
  getTlvNumber,
  MessageState,
  PduFramer,
  submitSmBody,
  TlvTag,
  type BindType,
  type DeliverSm,
  type Pdu,
  type SmppCommandError,
} from '@parchee/smpp';
import { connectFakePeer, type FakeSmppPeer } from '@parchee/smpp/testing';
import { parseSimConfig } from '../config/sim-config';
import { startSimulator, type SimStats, type Simulator } from '../simulator';

/** Short operator ids: system_id is parchee-<id>, password <first 4 letters>-sim. */
const OPERATORS = ['plain', 'resp', 'addr', 'pad', 'ussd', 'dlr', 'win'] as const;
type Op = (typeof OPERATORS)[number];

const MSISDN = '923001234567';

function nextEvent(client: EsmeClient, event: 'bound'): Promise<void> {
  return new Promise((resolve) => client.once(event, () => resolve()));
}

/** An ESME that shows every PDU it receives as the octets that came over the wire. */
interface RawEsme {
  peer: FakeSmppPeer;
  frames: Buffer[];
  /** The next frame with this command_id, once it has arrived. */
  frame(commandId: number, after?: number): Promise<Buffer>;
}

describe('smsc-sim quirks against real binds', () => {
  let sim: Simulator;
  let base: string;
  const clients: EsmeClient[] = [];
  const peers: FakeSmppPeer[] = [];
  let sequence = 100;

  beforeAll(async () => {
    sim = await startSimulator(
      parseSimConfig({ http: { port: 0 }, smpp: { enquireLinkIntervalMs: 60_000 }, operators: OPERATORS.map((id) => ({ id, port: 0 })) }, {}),
    );
    base = `http://127.0.0.1:${sim.http.port}`;
  });

  afterEach(async () => {
    peers.splice(0).forEach((p) => p.socket.destroy());
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const http = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const putFaults = async (op: Op, plan: unknown): Promise<void> => {
    const { status, body } = await http('PUT', `/operators/${op}/faults`, plan);
    expect({ status, body }).toEqual({ status: 200, body: { operator: op, faults: plan } });
  };
  const stats = async (op: Op): Promise<SimStats['operators'][string]> => (await http<SimStats>('GET', '/stats')).body.operators[op];
  type MoReply = { mo?: { commandStatus: number; commandStatusName?: string }; mt?: { text: string }; error?: string };
  const postMo = (op: Op, text = 'HELP', msisdn = MSISDN) => http<MoReply>('POST', '/mo', { operator: op, msisdn, text, timeoutMs: 5_000 });

  async function bind(op: Op, bindType: BindType, onDeliverSm?: (pdu: DeliverSm, client: EsmeClient) => Promise<number>): Promise<EsmeClient> {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port: sim.smppPorts[op],
      systemId: `parchee-${op}`,
      password: `${op.slice(0, 4)}-sim`,
      bindType,
      responseTimeoutMs: 5_000,
      enquireLinkIntervalMs: 0,
      reconnect: { initialDelayMs: 20, jitter: 0 },
    });
    client.setDeliverSmHandler(async (pdu) => (onDeliverSm ? onDeliverSm(pdu, client) : CommandStatus.ESME_ROK));
    clients.push(client);
    const bound = nextEvent(client, 'bound');
    client.start();
    await bound;
    return client;
  }

  /** Polls the simulator's counters until `probe` finds what it waits for (the counters move once an answer is back). */
  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const submit = (client: EsmeClient, text = 'reply', registeredDelivery = 0, to = MSISDN) =>
    client.submitSm({ sourceAddr: '8300', destinationAddr: to, destAddrTon: 1, destAddrNpi: 1, shortMessage: Buffer.from(text), registeredDelivery });

  async function rawBind(op: Op): Promise<RawEsme> {
    const peer = await connectFakePeer(sim.smppPorts[op]);
    peers.push(peer);
    const frames: Buffer[] = [];
    const framer = new PduFramer();
    const waiters: Array<() => void> = [];
    peer.socket.on('data', (chunk: Buffer) => {
      frames.push(...framer.push(chunk));
      waiters.splice(0).forEach((wake) => wake());
    });
    peer.send({
      command: 'bind_transceiver',
      commandStatus: 0,
      sequenceNumber: ++sequence,
      systemId: `parchee-${op}`,
      password: `${op.slice(0, 4)}-sim`,
      systemType: '',
      interfaceVersion: 0x34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
    await peer.waitFor((p) => p.command === 'bind_transceiver_resp');
    const frame = async (commandId: number, after = 0): Promise<Buffer> => {
      for (;;) {
        const found = frames.slice(after).find((f) => f.readUInt32BE(4) === commandId);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    return { peer, frames, frame };
  }

  function rawSubmit(esme: RawEsme, text: string): number {
    const seq = ++sequence;
    esme.peer.send({
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber: seq,
      ...submitSmBody({ sourceAddr: '8300', destinationAddr: MSISDN, destAddrTon: 1, destAddrNpi: 1, shortMessage: Buffer.from(text) }),
    });
    return seq;
  }

  /** The frame answering the request with this sequence number. */
  async function answerTo(esme: RawEsme, seq: number): Promise<Buffer> {
    for (;;) {
      const found = esme.frames.find((f) => f.readUInt32BE(12) === seq);
      if (found) return found;
      await esme.frame(0x80000004, esme.frames.length);
    }
  }

  it('stays well-behaved by default: a strict submit_sm_resp, and an MO from the international subscriber to the short code', async () => {
    const esme = await rawBind('plain');
    const seq = rawSubmit(esme, 'reply');
    const resp = await answerTo(esme, seq);
    const messageId = resp.subarray(16, resp.length - 1).toString('latin1');
    expect(resp).toEqual(encodePdu({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: seq, messageId }));

    const mo = postMo('plain');
    const deliverSm = (await esme.peer.waitFor((p) => p.command === 'deliver_sm')) as DeliverSm;
    esme.peer.send({ command: 'deliver_sm_resp', commandStatus: 0, sequenceNumber: deliverSm.sequenceNumber, messageId: '' });
    rawSubmit(esme, 're HELP');
    expect((await mo).status).toBe(200);
    const raw = await esme.frame(0x00000005);
    expect(raw).toEqual(encodePdu(deliverSm as Pdu));
    expect(deliverSm).toMatchObject({ sourceAddr: MSISDN, sourceAddrTon: 1, destinationAddr: '8300', destAddrTon: 0, serviceType: '', tlvs: [] });
    expect(await stats('plain')).toMatchObject({ moQuirks: {}, submitRespQuirks: {}, ussdMosSent: 0 });
  });

  it('answers accepted submit_sm with the odd submit_sm_resp forms, which our client still reads', async () => {
    await putFaults('resp', {
      quirks: {
        submitResponses: [
          { form: 'no-body', every: 3 },
          { form: 'id-without-nul', every: 2 },
          { form: 'tlvs-after-id', every: 1 },
        ],
      },
    });
    const esme = await rawBind('resp');
    const answers: Buffer[] = [];
    for (const text of ['one', 'two', 'three']) answers.push(await answerTo(esme, rawSubmit(esme, text)));
    const [tlvs, noNul, noBody] = answers;
    expect(noBody.readUInt32BE(0)).toBe(16);
    expect(noBody.readUInt32BE(8)).toBe(0);
    const id = noNul.subarray(16).toString('latin1');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(noNul.length).toBe(16 + 16);
    expect(tlvs.subarray(16, 33).toString('latin1')).toMatch(/^[0-9a-f]{16}\0$/);
    expect(tlvs.readUInt16BE(33)).toBe(0x0428);

    // An ESME on our library reads each of them as accepted, with the id where there is one.
    const client = await bind('resp', 'transmitter');
    const read = [await submit(client), await submit(client), await submit(client)];
    expect(read.map((r) => r.messageId.length)).toEqual([16, 16, 0]);
    expect(await stats('resp')).toMatchObject({ mtParts: 6, submitRespQuirks: { 'no-body': 2, 'id-without-nul': 2, 'tlvs-after-id': 2 } });
  });

  it('writes MO addresses in the forms the plan picks, which the service answers', async () => {
    const seen: DeliverSm[] = [];
    await putFaults('addr', {
      quirks: {
        moSourceNational: {},
        moDestinations: [{ form: 'plus-international', every: 3 }, { form: 'international', every: 2 }, { form: 'national' }],
      },
    });
    await bind('addr', 'transceiver', async (pdu, client) => {
      seen.push(pdu);
      setImmediate(() => void submit(client, 're', 0, `92${pdu.sourceAddr}`).catch(() => undefined));
      return CommandStatus.ESME_ROK;
    });
    for (const text of ['A', 'B', 'C']) expect((await postMo('addr', text)).status).toBe(200);
    expect(seen.map((p) => [p.sourceAddr, p.sourceAddrTon, p.destinationAddr, p.destAddrTon])).toEqual([
      ['3001234567', 2, '08300', 2],
      ['3001234567', 2, '928300', 1],
      ['3001234567', 2, '+928300', 1],
    ]);
    expect((await stats('addr')).moQuirks).toEqual({
      'source-national': 3,
      'destination-national': 1,
      'destination-international': 1,
      'destination-plus-international': 1,
    });
  });

  it('sends an MO with octets after its last field, command_length counting them, and waits for its answer', async () => {
    await putFaults('pad', { quirks: { moTrailingOctets: { count: 3 } } });
    const esme = await rawBind('pad');
    const mo = postMo('pad', '3520212345671');
    const raw = await esme.frame(0x00000005);
    const deliverSm = (await esme.peer.waitFor((p) => p.command === 'deliver_sm')) as DeliverSm;
    expect(deliverSm.shortMessage.toString('latin1')).toBe('3520212345671');
    expect(raw.readUInt32BE(0)).toBe(raw.length);
    const expected = Buffer.concat([encodePdu(deliverSm as Pdu), Buffer.from([0, 0, 0])]);
    expected.writeUInt32BE(expected.length, 0);
    expect(raw).toEqual(expected);
    esme.peer.send({ command: 'deliver_sm_resp', commandStatus: 0, sequenceNumber: deliverSm.sequenceNumber, messageId: '' });
    rawSubmit(esme, 're');
    expect((await mo).status).toBe(200);
    expect(await stats('pad')).toMatchObject({ mosAcked: 1, moQuirks: { 'trailing-octets': 1 } });
  });

  it('sends MOs as USSD steps and reports the status the ESME refused each with', async () => {
    await putFaults('ussd', { quirks: { moUssd: [{ marker: 'service-type', every: 2 }, { marker: 'ussd-service-op' }] } });
    const received: DeliverSm[] = [];
    await bind('ussd', 'transceiver', async (pdu) => {
      received.push(pdu);
      return deliveryKind(pdu) === 'ussd' ? CommandStatus.ESME_RX_R_APPN : CommandStatus.ESME_ROK;
    });
    const refused = { error: 'mo-refused', mo: { commandStatus: CommandStatus.ESME_RX_R_APPN, commandStatusName: 'ESME_RX_R_APPN' } };
    expect(await postMo('ussd', '1')).toEqual({ status: 502, body: refused });
    expect(await postMo('ussd', '2')).toEqual({ status: 502, body: refused });
    expect(getTlvNumber(received[0], TlvTag.ussd_service_op)).toBe(1);
    expect(received[1].serviceType).toBe('USSD');
    expect(await stats('ussd')).toMatchObject({
      ussdMosSent: 2,
      ussdMosAcked: 0,
      ussdMosRefused: { ESME_RX_R_APPN: 2 },
      mosRefused: { ESME_RX_R_APPN: 2 },
      moQuirks: { 'ussd-service-type': 1, 'ussd-ussd-service-op': 1 },
    });
  });

  it('sends the intermediate receipts, each once the one before was answered, then the final SKIPPED', async () => {
    await putFaults('dlr', { deliveryReceipts: { intermediates: ['ACKED', 'BUFFRED'], outcomes: [{ stat: 'SKIPPED' }] } });
    const receipts: Array<{ pdu: DeliverSm; answeredBefore: number }> = [];
    let answered = 0;
    let wake: () => void = () => undefined;
    // A slow ESME with two receivers, as receipts go round them: a receipt sent without waiting
    // for the answer before it would arrive before that answer.
    const slowly = async (pdu: DeliverSm): Promise<number> => {
      receipts.push({ pdu, answeredBefore: answered });
      await new Promise((resolve) => setTimeout(resolve, 20));
      answered++;
      wake();
      return CommandStatus.ESME_ROK;
    };
    await bind('dlr', 'receiver', slowly);
    await bind('dlr', 'receiver', slowly);
    const transmitter = await bind('dlr', 'transmitter');
    const all = new Promise<void>((resolve) => (wake = () => answered >= 3 && resolve()));
    const { messageId } = await submit(transmitter, 'polling station', 1);
    await all;
    expect(receipts.map((r) => r.pdu.shortMessage.toString('latin1').match(/stat:(\w+)/)?.[1])).toEqual(['ACKED', 'BUFFRED', 'SKIPPED']);
    expect(receipts.map((r) => r.answeredBefore)).toEqual([0, 1, 2]);
    expect(receipts.map((r) => getTlvNumber(r.pdu, TlvTag.message_state))).toEqual([MessageState.ACCEPTED, MessageState.ENROUTE, MessageState.SKIPPED]);
    expect(receipts.every((r) => r.pdu.shortMessage.toString('latin1').startsWith(`id:${messageId} `))).toBe(true);
    const sent = await until('the final receipt counted', async () => {
      const counters = await stats('dlr');
      return counters.receiptsSent['SKIPPED'] ? counters.receiptsSent : undefined;
    });
    expect(sent).toEqual({ ACKED: 1, BUFFRED: 1, SKIPPED: 1 });
  });

  it('throttles beyond the strict per-second window and reports the most submit_sm seen in one second', async () => {
    const client = await bind('win', 'transmitter');
    await putFaults('win', { tpsWindow: { cap: 5 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => submit(client, `burst ${i}`)));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((r) => (r.reason as SmppCommandError).commandStatus)).toEqual([0x58, 0x58, 0x58]);
    expect(await stats('win')).toMatchObject({ submitsThrottled: 3, maxSubmitsPerSecond: 8 });
    // A new plan measures afresh.
    await putFaults('win', {});
    expect((await stats('win')).maxSubmitsPerSecond).toBe(0);
  });
});
