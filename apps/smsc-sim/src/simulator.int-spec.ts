import { CommandStatus, ConcatReassembler, EsmeClient, ESM_CLASS_UDHI, decodeShortMessage, parseUdh, segmentForSms, type DeliverSm } from '@parchee/smpp';
import { parseSimConfig } from './config/sim-config';
import type { LoadReport } from './load/load-runner';
import { startSimulator, type SimStats, type Simulator } from './simulator';

const URDU_REPLY = (() => {
  const line = 'آپ کا ووٹ قومی اسمبلی کے حلقہ این اے ایک سو بیس میں درج ہے، سلسلہ نمبر اور گھرانہ نمبر یاد رکھیں۔ ';
  let text = '';
  while (text.length < 200) text += line;
  return text.slice(0, 200);
})();
const LONG_URDU_MO = 'میرا شناختی کارڈ نمبر پینتیس ہزار دو سو دو ہے، براہ کرم میرا ووٹ نمبر اور پولنگ اسٹیشن بتائیں۔ '.repeat(2);

/** What the real service would answer; SILENT never gets a reply. */
function replyTo(text: string): string | undefined {
  if (text === 'SILENT') return undefined;
  if (text === 'HELP') return 'Send your 13 digit CNIC to 8300';
  if (/^\d{13}$/.test(text)) return URDU_REPLY;
  return `received ${text.length} characters`;
}

/** Plays the service: a transceiver that reassembles each MO and submits the reply. */
class FakeService {
  readonly client: EsmeClient;
  readonly received: string[] = [];
  readonly failures: unknown[] = [];
  private readonly reassembler = new ConcatReassembler({ timeoutMs: 10_000 });
  private ref = 0;

  constructor(host: string, port: number, password: string) {
    this.client = new EsmeClient({ host, port, systemId: 'parchee-jazz', password, bindType: 'transceiver' });
    this.client.setDeliverSmHandler(async (pdu: DeliverSm) => {
      const text = this.mo(pdu);
      if (text !== undefined) {
        this.received.push(text);
        const reply = replyTo(text);
        // Reply after acknowledging, as the real pipeline does.
        if (reply !== undefined) setImmediate(() => this.submit(pdu.destinationAddr, pdu.sourceAddr, reply).catch((e: unknown) => this.failures.push(e)));
      }
      return CommandStatus.ESME_ROK;
    });
  }

  private mo(pdu: DeliverSm): string | undefined {
    if (!(pdu.esmClass & ESM_CLASS_UDHI)) return decodeShortMessage(pdu.dataCoding, pdu.shortMessage);
    const parsed = parseUdh(pdu.shortMessage);
    const c = parsed?.udh.concat;
    if (!parsed || !c) throw new Error('MO part without a concat UDH');
    return this.reassembler.add({ sourceKey: pdu.sourceAddr, ref: c.ref, total: c.total, seq: c.seq, dataCoding: pdu.dataCoding, payload: parsed.payload })
      ?.text;
  }

  private async submit(from: string, to: string, text: string): Promise<void> {
    this.ref = (this.ref + 1) & 0xff;
    const { dataCoding, segments } = segmentForSms(text, { reference: this.ref });
    for (const s of segments) {
      await this.client.submitSm({ sourceAddr: from, destinationAddr: to, shortMessage: s.shortMessage, esmClass: s.esmClass, dataCoding, tlvs: s.tlvs });
    }
  }
}

interface MoReplyBody {
  error?: string;
  mo: { commandStatus: number; parts: number; dataCoding: number };
  mt: { text: string; parts: number; dataCoding: number; sourceAddr: string; destinationAddr: string; concat?: { total: number; scheme: string } };
  latencyMs: number;
}

function bound(client: EsmeClient): Promise<void> {
  return new Promise((resolve) => client.once('bound', () => resolve()));
}

describe('SMSC simulator with a real ESME bound to it', () => {
  let sim: Simulator;
  let base: string;
  let service: FakeService;

  const post = async <T = MoReplyBody>(path: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const getStats = async (): Promise<SimStats> => (await (await fetch(`${base}/stats`)).json()) as SimStats;

  beforeAll(async () => {
    sim = await startSimulator(
      parseSimConfig(
        {
          http: { port: 0 },
          operators: [
            { id: 'jazz', port: 0 },
            { id: 'zong', port: 0 },
          ],
        },
        {},
      ),
    );
    base = `http://127.0.0.1:${sim.http.port}`;
    service = new FakeService('127.0.0.1', sim.smppPorts['jazz'], 'jazz-sim');
    const isBound = bound(service.client);
    service.client.start();
    await isBound;
  });

  afterAll(async () => {
    await service?.client.stop();
    await sim?.stop();
  });

  it('returns the service reply to a short GSM MO', async () => {
    const { status, body } = await post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'HELP' });
    expect(status).toBe(200);
    expect(body.mo).toEqual({ commandStatus: 0, parts: 1, dataCoding: 0 });
    expect(body.mt).toMatchObject({ text: 'Send your 13 digit CNIC to 8300', parts: 1, dataCoding: 0, sourceAddr: '8300', destinationAddr: '923001234567' });
    expect(body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(service.received).toContain('HELP');
  });

  it('joins a three-part UCS-2 Urdu reply', async () => {
    const { status, body } = await post('/mo', { operator: 'jazz', msisdn: '923001234568', text: '3520212345671' });
    expect(status).toBe(200);
    expect(body.mt).toMatchObject({ text: URDU_REPLY, parts: 3, dataCoding: 8, destinationAddr: '923001234568' });
    expect(body.mt.concat).toMatchObject({ total: 3, scheme: 'udh8' });
  });

  it('delivers a long Urdu MO in UCS-2 parts the service can join', async () => {
    const { status, body } = await post('/mo', { operator: 'jazz', msisdn: '923001234569', text: LONG_URDU_MO });
    expect(status).toBe(200);
    expect(body.mo).toMatchObject({ commandStatus: 0, parts: 3, dataCoding: 8 });
    expect(body.mt.text).toBe(`received ${LONG_URDU_MO.length} characters`);
    expect(service.received).toContain(LONG_URDU_MO);
  });

  it('answers 504 when the service does not reply in time', async () => {
    const { status, body } = await post('/mo', { operator: 'jazz', msisdn: '923001234570', text: 'SILENT', timeoutMs: 300 });
    expect(status).toBe(504);
    expect(body).toEqual({ error: 'timeout', mo: { commandStatus: 0, parts: 1, dataCoding: 0 } });
  });

  it('answers 503 for an operator nobody is bound to', async () => {
    const { status, body } = await post('/mo', { operator: 'zong', msisdn: '923001234571', text: 'HELP' });
    expect(status).toBe(503);
    expect(body.error).toBe('no-receiver-bind');
  });

  it('lists the recorded MTs of one MSISDN', async () => {
    const res = await fetch(`${base}/mt?msisdn=923001234568`);
    const body = (await res.json()) as { mts: Array<{ text: string; operator: string }> };
    expect(body.mts.map((m) => m.text)).toEqual([URDU_REPLY]);
    expect(body.mts[0].operator).toBe('jazz');
  });

  it('runs a load and measures every reply', async () => {
    const { status, body } = await post<LoadReport>('/load', {
      count: 30,
      concurrency: 6,
      operators: ['jazz'],
      texts: ['HELP', '3520212345671'],
      timeoutMs: 5_000,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ sent: 30, acked: 30, replied: 30, timedOut: 0 });
    expect(body.latencyMs.max).toBeGreaterThanOrEqual(body.latencyMs.p50);
  });

  it('counts binds, MOs and MTs per operator', async () => {
    const before = await getStats();
    expect((await post('/mo', { operator: 'jazz', msisdn: '923001234572', text: '3520212345671' })).status).toBe(200);
    const after = await getStats();
    const jazz = after.operators['jazz'];
    expect(jazz.binds).toEqual({ receiver: 0, transmitter: 0, transceiver: 1 });
    expect(jazz.mosSent - before.operators['jazz'].mosSent).toBe(1);
    expect(jazz.mosAcked - before.operators['jazz'].mosAcked).toBe(1);
    expect(jazz.mtMessages - before.operators['jazz'].mtMessages).toBe(1);
    expect(jazz.mtParts - before.operators['jazz'].mtParts).toBe(3);
    expect(after.operators['zong'].binds).toEqual({ receiver: 0, transmitter: 0, transceiver: 0 });
    expect(after.awaitingReplies).toBe(0);
    expect(service.failures).toEqual([]);
  });

  it.each([
    ['password', 'parchee-jazz', 'wrong', CommandStatus.ESME_RINVPASWD],
    ['system_id', 'parchee-zong', 'jazz-sim', CommandStatus.ESME_RINVSYSID],
  ])('refuses a bind with the wrong %s', async (_what, systemId, password, status) => {
    const refusedBefore = sim.stats().operators['jazz'].bindsRefused;
    const intruder = new EsmeClient({
      host: '127.0.0.1',
      port: sim.smppPorts['jazz'],
      systemId,
      password,
      bindType: 'receiver',
      reconnect: { initialDelayMs: 60_000 },
    });
    const refusal = new Promise<Error>((resolve) => intruder.once('error', resolve));
    intruder.start();
    try {
      expect(await refusal).toMatchObject({ code: 'BIND_FAILED', commandStatus: status });
      expect(intruder.isBound).toBe(false);
    } finally {
      await intruder.stop();
    }
    expect(sim.stats().operators['jazz'].bindsRefused).toBe(refusedBefore + 1);
    expect(sim.stats().operators['jazz'].binds.receiver).toBe(0);
  });
});

describe('SMSC simulator binds', () => {
  it('spreads MOs over every receiving bind and unbinds them all on stop', async () => {
    const sim = await startSimulator(parseSimConfig({ http: { port: 0 }, operators: [{ id: 'ufone', port: 0 }] }, {}));
    const received: string[][] = [[], []];
    const clients = [0, 1].map((i) => {
      const client = new EsmeClient({ host: '127.0.0.1', port: sim.smppPorts['ufone'], systemId: 'parchee-ufone', password: 'ufon-sim', bindType: 'receiver' });
      client.setDeliverSmHandler(async (pdu) => {
        received[i].push(decodeShortMessage(pdu.dataCoding, pdu.shortMessage));
        return CommandStatus.ESME_ROK;
      });
      return client;
    });
    try {
      await Promise.all(
        clients.map((c) => {
          const isBound = bound(c);
          c.start();
          return isBound;
        }),
      );
      expect(sim.stats().operators['ufone'].binds.receiver).toBe(2);
      for (const text of ['one', 'two', 'three', 'four']) {
        const outcome = await sim.exchange({ operator: 'ufone', msisdn: '923331234567', text, timeoutMs: 1 });
        expect(outcome.mo.commandStatus).toBe(0);
      }
      expect(received.map((r) => r.length)).toEqual([2, 2]);
      expect([...received[0], ...received[1]].sort()).toEqual(['four', 'one', 'three', 'two']);

      const unbound = clients.map((c) => new Promise<string>((resolve) => c.once('unbound', resolve)));
      await sim.stop();
      expect(await Promise.all(unbound)).toHaveLength(2);
      expect(clients.every((c) => !c.isBound)).toBe(true);
      await expect(fetch(`http://127.0.0.1:${sim.http.port}/health`)).rejects.toThrow();
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      await sim.stop();
    }
  });
});
