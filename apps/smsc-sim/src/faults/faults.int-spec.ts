import {
  CommandStatus,
  EsmeClient,
  getTlvNumber,
  getTlvString,
  MessageState,
  SmppCommandError,
  SmppError,
  TlvTag,
  type BindType,
  type DeliverSm,
} from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { parseSimConfig } from '../config/sim-config';
import type { LoadReport } from '../load/load-runner';
import { startSimulator, type SimStats, type Simulator } from '../simulator';

/** Keeps every log line of the simulator, so a test can wait for what the SMPP layer saw. */
class CapturingLogger implements Logger {
  readonly lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  private readonly waiters: Array<() => void> = [];
  debug = (obj: object, msg?: string): void => this.add('debug', obj, msg);
  info = (obj: object, msg?: string): void => this.add('info', obj, msg);
  warn = (obj: object, msg?: string): void => this.add('warn', obj, msg);
  error = (obj: object, msg?: string): void => this.add('error', obj, msg);
  child(): Logger {
    return this;
  }
  private add(level: string, obj: object, msg?: string): void {
    this.lines.push({ level, obj: obj as Record<string, unknown>, msg });
    this.waiters.splice(0).forEach((wake) => wake());
  }
  async until<T>(read: () => T | undefined): Promise<T> {
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** Short operator ids: system_id is parchee-<id> (at most 15 characters), password <id>-sim. */
const OPERATORS = [
  'thr',
  'dly',
  'mute',
  'drop',
  'junk',
  'dlr',
  'form',
  'tps',
  'load',
  'idle',
  'qwait',
  'qdrop',
  'qtmp',
  'qperm',
  'trx',
  'lock',
  'full',
  'pbt',
  'spread',
] as const;
type Op = (typeof OPERATORS)[number];

const MO_MSISDN = '923001112233';

function nextEvent<T extends unknown[]>(client: EsmeClient, event: 'bound' | 'unbound'): Promise<T> {
  return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));
}

function rejectionOf(promise: Promise<unknown>): Promise<SmppError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: SmppError) => error,
  );
}

describe('smsc-sim faults against a real EsmeClient', () => {
  let sim: Simulator;
  let base: string;
  const logger = new CapturingLogger();
  const clients: EsmeClient[] = [];

  beforeAll(async () => {
    sim = await startSimulator(
      parseSimConfig({ http: { port: 0 }, smpp: { enquireLinkIntervalMs: 60_000 }, operators: OPERATORS.map((id) => ({ id, port: 0 })) }, {}),
      { logger },
    );
    base = `http://127.0.0.1:${sim.http.port}`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  async function bind(
    op: Op,
    bindType: BindType,
    extra: { responseTimeoutMs?: number; onDeliverSm?: (pdu: DeliverSm) => Promise<number> } = {},
  ): Promise<EsmeClient> {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port: sim.smppPorts[op],
      systemId: `parchee-${op}`,
      password: `${op.slice(0, 4)}-sim`,
      bindType,
      responseTimeoutMs: extra.responseTimeoutMs ?? 5_000,
      enquireLinkIntervalMs: 0,
      reconnect: { initialDelayMs: 20, jitter: 0 },
    });
    client.setDeliverSmHandler(extra.onDeliverSm ?? (async () => CommandStatus.ESME_ROK));
    clients.push(client);
    const isBound = nextEvent(client, 'bound');
    client.start();
    await isBound;
    return client;
  }

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
  const submit = (client: EsmeClient, text = 'reply', registeredDelivery = 0, to = MO_MSISDN) =>
    client.submitSm({ sourceAddr: '8300', destinationAddr: to, destAddrTon: 1, destAddrNpi: 1, shortMessage: Buffer.from(text), registeredDelivery });

  /** Binds once and resolves with how the SMSC refused the bind; the client is stopped before it tries again. */
  async function refusal(op: Op, bindType: BindType): Promise<{ status: number; credentials: boolean }> {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port: sim.smppPorts[op],
      systemId: `parchee-${op}`,
      password: `${op.slice(0, 4)}-sim`,
      bindType,
      enquireLinkIntervalMs: 0,
      reconnect: { initialDelayMs: 60_000, authFailureDelayMs: 60_000, jitter: 0 },
    });
    client.on('error', () => undefined);
    const refused = new Promise<{ status: number; credentials: boolean }>((resolve) => client.once('bind_refused', resolve));
    client.start();
    try {
      return await refused;
    } finally {
      await client.stop();
    }
  }

  /** Polls the operator's counters until `ready` holds (the simulator counts a little after the wire). */
  async function statsWhen(op: Op, ready: (s: SimStats['operators'][string]) => boolean): Promise<SimStats['operators'][string]> {
    for (;;) {
      const now = await stats(op);
      if (ready(now)) return now;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** A receiving handler that keeps every deliver_sm and can be waited on for the nth. */
  function collector(): { received: DeliverSm[]; onDeliverSm: (pdu: DeliverSm) => Promise<number>; count(n: number): Promise<void> } {
    const received: DeliverSm[] = [];
    const waiters: Array<{ n: number; wake: () => void }> = [];
    return {
      received,
      onDeliverSm: async (pdu) => {
        received.push(pdu);
        for (const w of waiters.filter((w) => received.length >= w.n)) w.wake();
        return CommandStatus.ESME_ROK;
      },
      count: (n) => (received.length >= n ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ n, wake }))),
    };
  }

  it('answers the scripted submit_sm with ESME_RTHROTTLED (retriable) or a permanent error', async () => {
    const client = await bind('thr', 'transmitter');
    await putFaults('thr', {
      submitErrors: [
        { status: 'ESME_RTHROTTLED', every: 2 },
        { status: 'ESME_RINVDSTADR', every: 3 },
      ],
    });

    const first = await submit(client);
    expect(first.messageId).toMatch(/^[0-9a-f]{16}$/);
    const throttled = await rejectionOf(submit(client));
    expect(throttled).toBeInstanceOf(SmppCommandError);
    expect(throttled).toMatchObject({ commandStatus: 0x58, retriable: true });
    const permanent = await rejectionOf(submit(client));
    expect(permanent).toMatchObject({ commandStatus: CommandStatus.ESME_RINVDSTADR, retriable: false });

    await http('DELETE', '/operators/thr/faults');
    await expect(submit(client)).resolves.toMatchObject({ commandStatus: 0 });
    expect((await stats('thr')).submitsRefused).toEqual({ ESME_RTHROTTLED: 1, ESME_RINVDSTADR: 1 });
  });

  it('holds submit_sm_resp back for the scripted delay', async () => {
    const client = await bind('dly', 'transmitter');
    await putFaults('dly', { submitDelay: { ms: 300, every: 2 } });
    const t0 = Date.now();
    await submit(client);
    const prompt = Date.now() - t0;
    const t1 = Date.now();
    await submit(client);
    const late = Date.now() - t1;
    expect(prompt).toBeLessThan(250);
    expect(late).toBeGreaterThanOrEqual(290);
    expect((await stats('dly')).submitsDelayed).toBe(1);
  });

  it('never answers the scripted submit_sm, so the client times out, and the bind stays usable', async () => {
    const client = await bind('mute', 'transmitter', { responseTimeoutMs: 300 });
    await putFaults('mute', { submitNoResponse: {} });
    const timedOut = await rejectionOf(submit(client));
    expect(timedOut).toMatchObject({ code: 'RESPONSE_TIMEOUT', retriable: true });
    expect((await stats('mute')).submitsUnanswered).toBe(1);

    await http('DELETE', '/operators/mute/faults');
    await expect(submit(client)).resolves.toMatchObject({ commandStatus: 0 });
    expect(client.isBound).toBe(true);
  });

  it('drops every bind on request and after every Nth submit_sm; the client binds again', async () => {
    const client = await bind('drop', 'transceiver');
    const unbound = nextEvent<[string]>(client, 'unbound');
    const rebound = nextEvent(client, 'bound');
    const { body } = await http('POST', '/operators/drop/disconnect');
    expect(body).toEqual({ operator: 'drop', disconnected: 1 });
    await unbound;
    await rebound;
    expect(client.isBound).toBe(true);

    await putFaults('drop', { disconnect: { every: 2 } });
    await submit(client);
    const reboundAgain = nextEvent(client, 'bound');
    expect(await rejectionOf(submit(client))).toMatchObject({ code: 'CONNECTION_LOST' });
    await reboundAgain;
    await expect(submit(client)).resolves.toMatchObject({ commandStatus: 0 });
    expect((await stats('drop')).disconnects).toBe(2);
  });

  it('sends malformed PDUs the client answers (generic_nack for an unknown command, else its own response), and the session keeps working', async () => {
    const received: string[] = [];
    const client = await bind('junk', 'transceiver', {
      onDeliverSm: async (pdu) => {
        received.push(pdu.shortMessage.toString('latin1'));
        setImmediate(() => void submit(client, 'pong').catch(() => undefined));
        return CommandStatus.ESME_ROK;
      },
    });
    const { status, body } = await http('POST', '/operators/junk/inject-garbage', { kinds: ['bad-length', 'unknown-command', 'truncated-body'] });
    expect({ status, body }).toEqual({ status: 200, body: { operator: 'junk', sessions: 1, kinds: ['bad-length', 'unknown-command', 'truncated-body'] } });

    const answers = await logger.until(() => {
      const found = logger.lines.filter(
        (l) => l.msg === 'SMPP response matches no pending request (late after a timeout?)' && Number(l.obj['seq']) >= 0x7fff0000,
      );
      return found.length >= 3 ? found : undefined;
    });
    expect(answers.map((a) => `${String(a.obj['command'])} ${String(a.obj['status'])}`).sort()).toEqual([
      'deliver_sm_resp ESME_RX_P_APPN',
      'enquire_link_resp ESME_RINVCMDLEN',
      'generic_nack ESME_RINVCMDID',
    ]);

    const mo = await http<{ mo: { commandStatus: number }; mt: { text: string } }>('POST', '/mo', {
      operator: 'junk',
      msisdn: MO_MSISDN,
      text: 'HELP',
      timeoutMs: 5_000,
    });
    expect(mo.status).toBe(200);
    expect(mo.body.mo.commandStatus).toBe(0);
    expect(mo.body.mt.text).toBe('pong');
    expect(received).toEqual(['HELP']);
    expect(client.isBound).toBe(true);
    expect((await stats('junk')).garbageSent).toBe(3);
  });

  it('sends delivery receipts to the receiver bind with the id in the configured form', async () => {
    const receipts: DeliverSm[] = [];
    let wake: () => void = () => undefined;
    await bind('dlr', 'receiver', {
      onDeliverSm: async (pdu) => {
        receipts.push(pdu);
        wake();
        return CommandStatus.ESME_ROK;
      },
    });
    const receiptCount = (n: number) => new Promise<void>((resolve) => (wake = () => receipts.length >= n && resolve()));
    const transmitter = await bind('dlr', 'transmitter');

    await putFaults('dlr', { deliveryReceipts: { idForm: 'decimal', outcomes: [{ stat: 'UNDELIV', every: 2 }] } });
    let arrived = receiptCount(2);
    const a = await submit(transmitter, 'first reply', 1);
    const b = await submit(transmitter, 'second reply', 1);
    await submit(transmitter, 'no receipt asked', 0);
    await arrived;

    const [ra, rb] = receipts;
    expect(ra.esmClass).toBe(0x04);
    expect(ra.sourceAddr).toBe(MO_MSISDN);
    expect(ra.destinationAddr).toBe('8300');
    expect(getTlvString(ra, TlvTag.receipted_message_id)).toBe(a.messageId);
    expect(getTlvNumber(ra, TlvTag.message_state)).toBe(MessageState.DELIVERED);
    const decimalA = BigInt(`0x${a.messageId}`).toString(10);
    expect(ra.shortMessage.toString('latin1')).toMatch(
      new RegExp(`^id:${decimalA} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:first reply$`),
    );
    expect(getTlvString(rb, TlvTag.receipted_message_id)).toBe(b.messageId);
    expect(getTlvNumber(rb, TlvTag.message_state)).toBe(MessageState.UNDELIVERABLE);
    expect(rb.shortMessage.toString('latin1')).toContain(`id:${BigInt(`0x${b.messageId}`).toString(10)} sub:001 dlvrd:000`);
    expect(rb.shortMessage.toString('latin1')).toContain('stat:UNDELIV');

    await putFaults('dlr', { deliveryReceipts: { idForm: 'hex' } });
    arrived = receiptCount(3);
    const c = await submit(transmitter, 'third', 1);
    await arrived;
    expect(receipts[2].shortMessage.toString('latin1')).toMatch(new RegExp(`^id:${c.messageId} `));
    expect(receipts).toHaveLength(3);

    // The counters move when the deliver_sm_resp is back, a little after the handler ran.
    await logger.until(() => (logger.lines.filter((l) => l.msg === 'delivery receipt acknowledged').length >= 3 ? true : undefined));
    const counters = await stats('dlr');
    expect(counters.receiptsSent).toEqual({ DELIVRD: 2, UNDELIV: 1 });
    expect(counters.receiptsPending).toBe(0);

    // A late receipt waits (stop() cancels it); nothing more arrives meanwhile.
    await putFaults('dlr', { deliveryReceipts: { delay: 'late' } });
    await submit(transmitter, 'late one', 1);
    expect((await stats('dlr')).receiptsPending).toBe(1);
    expect(receipts).toHaveLength(3);
  });

  it('throttles submit_sm beyond the TPS cap with ESME_RTHROTTLED and counts them', async () => {
    const client = await bind('tps', 'transmitter');
    await putFaults('tps', { tpsCap: 5 });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => submit(client, `burst ${i}`)));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((r) => (r.reason as SmppCommandError).commandStatus)).toEqual([0x58, 0x58, 0x58]);
    expect((await stats('tps')).submitsThrottled).toBe(3);
  });

  it('reports refused, timed-out and failed MOs of a load run under faults', async () => {
    const service = await bind('load', 'transceiver', {
      onDeliverSm: async (pdu) => {
        const text = pdu.shortMessage.toString('latin1');
        if (text === 'REFUSE') return CommandStatus.ESME_RX_T_APPN;
        // The reply is refused by every 2nd submit_sm fault and not retried: that MO times out.
        setImmediate(() => void submit(service, `re ${text}`, 0, pdu.sourceAddr).then(undefined, () => undefined));
        return CommandStatus.ESME_ROK;
      },
    });
    // Each MO's reply goes to its own MSISDN, so submit_sm order follows MO order with concurrency 1.
    await putFaults('load', { submitErrors: [{ status: 'ESME_RMSGQFUL', every: 2 }] });
    const { body: report } = await http<LoadReport>('POST', '/load', {
      count: 6,
      concurrency: 1,
      operators: ['load'],
      texts: ['HELP', 'REFUSE'],
      timeoutMs: 500,
    });
    expect(report).toMatchObject({ sent: 6, acked: 3, replied: 2, timedOut: 1, refused: { ESME_RX_T_APPN: 3 }, failed: {} });

    const { body: unbound } = await http<LoadReport>('POST', '/load', { count: 2, concurrency: 2, operators: ['idle'], texts: ['HELP'], timeoutMs: 500 });
    expect(unbound).toMatchObject({ sent: 2, acked: 0, replied: 0, refused: {}, failed: { NO_RECEIVER_BIND: 2 } });
  });

  it("shapes the receipt deliver_sm as the plan's form says: esm_class, text and TLVs", async () => {
    const receipts: DeliverSm[] = [];
    let wake: () => void = () => undefined;
    await bind('form', 'receiver', {
      onDeliverSm: async (pdu) => {
        receipts.push(pdu);
        wake();
        return CommandStatus.ESME_ROK;
      },
    });
    const receiptCount = (n: number) => new Promise<void>((resolve) => (wake = () => receipts.length >= n && resolve()));
    const transmitter = await bind('form', 'transmitter');

    await putFaults('form', { deliveryReceipts: { form: 'esm0-tlv' } });
    let arrived = receiptCount(1);
    const tlvOnly = await submit(transmitter, 'tlv only', 1);
    await arrived;
    expect(receipts[0].esmClass).toBe(0x00);
    expect(receipts[0].shortMessage).toHaveLength(0);
    expect(getTlvString(receipts[0], TlvTag.receipted_message_id)).toBe(tlvOnly.messageId);
    expect(getTlvNumber(receipts[0], TlvTag.message_state)).toBe(MessageState.DELIVERED);

    await putFaults('form', { deliveryReceipts: { form: 'intermediate' } });
    arrived = receiptCount(2);
    const intermediate = await submit(transmitter, 'intermediate', 1);
    await arrived;
    expect(receipts[1].esmClass).toBe(0x20);
    expect(receipts[1].shortMessage.toString('latin1')).toMatch(new RegExp(`^id:${intermediate.messageId} sub:001 dlvrd:001 .* stat:DELIVRD`));
    expect(getTlvString(receipts[1], TlvTag.receipted_message_id)).toBe(intermediate.messageId);

    await putFaults('form', { deliveryReceipts: { form: 'esm0-text' } });
    arrived = receiptCount(3);
    const textOnly = await submit(transmitter, 'text only', 1);
    await arrived;
    expect(receipts[2].esmClass).toBe(0x00);
    expect(receipts[2].shortMessage.toString('latin1')).toMatch(new RegExp(`^id:${textOnly.messageId} `));
    expect(receipts[2].tlvs).toEqual([]);
  });

  describe('bind faults', () => {
    it('lets only transceivers bind under transceiverOnly, and sends each receipt to the bind that submitted its part', async () => {
      await putFaults('trx', { transceiverOnly: {}, deliveryReceipts: {} });
      expect(await refusal('trx', 'receiver')).toEqual({ status: CommandStatus.ESME_RBINDFAIL, credentials: false });
      expect(await refusal('trx', 'transmitter')).toEqual({ status: CommandStatus.ESME_RBINDFAIL, credentials: false });
      const [atA, atB] = [collector(), collector()];
      const a = await bind('trx', 'transceiver', { onDeliverSm: atA.onDeliverSm });
      const b = await bind('trx', 'transceiver', { onDeliverSm: atB.onDeliverSm });

      const fromA = [await submit(a, 'one', 1), await submit(a, 'two', 1)];
      const fromB = [await submit(b, 'three', 1)];
      await Promise.all([atA.count(2), atB.count(1)]);
      const ids = (got: DeliverSm[]) => got.map((r) => getTlvString(r, TlvTag.receipted_message_id));
      expect(ids(atA.received)).toEqual(fromA.map((r) => r.messageId));
      expect(ids(atB.received)).toEqual(fromB.map((r) => r.messageId));
      expect(await statsWhen('trx', (s) => Object.values(s.receiptsSent).reduce((x, y) => x + y, 0) === 3)).toMatchObject({
        bindAttempts: { receiver: 1, transmitter: 1, transceiver: 2 },
        bindsRefused: 2,
        bindRefusals: { ESME_RBINDFAIL: 2 },
        binds: { receiver: 0, transmitter: 0, transceiver: 2 },
      });

      // The submitting bind gone by the time its receipt is due: the receipt is dropped, not sent to the other bind.
      await putFaults('trx', { transceiverOnly: {}, deliveryReceipts: { delay: 200 } });
      await submit(a, 'four', 1);
      await a.stop();
      expect(await statsWhen('trx', (s) => s.receiptsPending === 0 && s.receiptsNoBind === 1)).toMatchObject({ receiptsNoBind: 1 });
      expect(atB.received).toHaveLength(1);
    });

    it('refuses every bind under bindRefusal while the binds already up stay up, and lets binds in again once it is cleared', async () => {
      const up = await bind('lock', 'transceiver');
      await putFaults('lock', { bindRefusal: {} });
      expect(await refusal('lock', 'transceiver')).toEqual({ status: CommandStatus.ESME_RINVPASWD, credentials: true });
      await putFaults('lock', { bindRefusal: { status: 'ESME_RINVSYSID' } });
      expect(await refusal('lock', 'receiver')).toEqual({ status: CommandStatus.ESME_RINVSYSID, credentials: true });
      expect(up.isBound).toBe(true);
      await expect(submit(up)).resolves.toMatchObject({ commandStatus: 0 });

      await http('DELETE', '/operators/lock/faults');
      await bind('lock', 'receiver');
      expect(await stats('lock')).toMatchObject({
        bindAttempts: { receiver: 2, transmitter: 0, transceiver: 2 },
        bindsRefused: 2,
        bindRefusals: { ESME_RINVPASWD: 1, ESME_RINVSYSID: 1 },
        binds: { receiver: 1, transmitter: 0, transceiver: 1 },
      });
    });

    it('refuses a bind beyond maxBinds of its type until one of those up goes', async () => {
      const first = await bind('full', 'transmitter');
      await putFaults('full', { maxBinds: { transmitter: 1 } });
      expect(await refusal('full', 'transmitter')).toEqual({ status: CommandStatus.ESME_RBINDFAIL, credentials: false });
      await bind('full', 'receiver');
      await first.stop();
      await statsWhen('full', (s) => s.binds.transmitter === 0);
      await bind('full', 'transmitter');
      expect(await stats('full')).toMatchObject({ bindRefusals: { ESME_RBINDFAIL: 1 }, binds: { receiver: 1, transmitter: 1, transceiver: 0 } });
    });

    it("throttles each bind beyond bindTpsWindow on its own, and measures each bind's most submit_sm in a second", async () => {
      const [a, b] = [await bind('pbt', 'transmitter'), await bind('pbt', 'transmitter')];
      await putFaults('pbt', { bindTpsWindow: { cap: 3 } });
      const burst = (client: EsmeClient) => Promise.allSettled(Array.from({ length: 5 }, (_, i) => submit(client, `burst ${i}`)));
      const [onA, onB] = await Promise.all([burst(a), burst(b)]);
      for (const outcomes of [onA, onB]) {
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
        expect(outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as SmppCommandError).commandStatus] : []))).toEqual([0x58, 0x58]);
      }
      expect(await stats('pbt')).toMatchObject({ submitsThrottled: 4, maxSubmitsPerSecondPerBind: 5, maxSubmitsPerSecond: 10 });
    });

    it('sends the parts of a long MO over the receiving binds in turn, with the header the plan names', async () => {
      const [one, two] = [collector(), collector()];
      await bind('spread', 'receiver', { onDeliverSm: one.onDeliverSm });
      await bind('spread', 'receiver', { onDeliverSm: two.onDeliverSm });
      await putFaults('spread', { quirks: { moPartsAcrossBinds: { form: 'sar' } } });
      const text = `my CNIC is 3520212345671 ${'and here is why I ask '.repeat(15)}`;
      const { body: report } = await http<LoadReport>('POST', '/load', {
        count: 1,
        concurrency: 1,
        operators: ['spread'],
        texts: [text],
        awaitReply: false,
        timeoutMs: 5_000,
      });
      expect(report).toMatchObject({ sent: 1, acked: 1 });
      const parts = [...one.received, ...two.received].sort(
        (x, y) => (getTlvNumber(x, TlvTag.sar_segment_seqnum) ?? 0) - (getTlvNumber(y, TlvTag.sar_segment_seqnum) ?? 0),
      );
      expect(parts.map((p) => getTlvNumber(p, TlvTag.sar_total_segments))).toEqual([3, 3, 3]);
      // Parts 1 and 3 on one bind, 2 on the other.
      expect([one.received.length, two.received.length].sort()).toEqual([1, 2]);
      expect(new Set(parts.map((p) => getTlvNumber(p, TlvTag.sar_msg_ref_num))).size).toBe(1);
      expect(parts.map((p) => p.shortMessage.toString('latin1')).join('')).toBe(text);
      expect((await stats('spread')).moQuirks).toEqual({ 'parts-across-binds-sar': 1 });
    });
  });

  describe('MO re-delivery (moRedelivery)', () => {
    type MoReply = { mo?: { commandStatus: number; commandStatusName?: string }; mt?: { text: string }; error?: string };
    const postMo = (op: Op, text = 'HELP') => http<MoReply>('POST', '/mo', { operator: op, msisdn: MO_MSISDN, text, timeoutMs: 10_000 });
    /** The MO as the ESME saw it: what a re-delivery must repeat exactly. */
    const moOf = (pdu: DeliverSm) => ({
      sourceAddr: pdu.sourceAddr,
      destinationAddr: pdu.destinationAddr,
      esmClass: pdu.esmClass,
      dataCoding: pdu.dataCoding,
      text: pdu.shortMessage.toString('latin1'),
      bytes: pdu.shortMessage.toString('hex'),
    });
    /** A service that acknowledges `answer(n)` for the nth deliver_sm and replies to each acknowledged MO. */
    async function service(op: Op, answer: (n: number) => Promise<number> | number): Promise<DeliverSm[]> {
      const received: DeliverSm[] = [];
      const client = await bind(op, 'transceiver', {
        onDeliverSm: async (pdu) => {
          received.push(pdu);
          const status = await answer(received.length);
          if (status === CommandStatus.ESME_ROK) {
            setImmediate(() => void submit(client, `re ${pdu.shortMessage.toString('latin1')}`, 0, pdu.sourceAddr).catch(() => undefined));
          }
          return status;
        },
      });
      return received;
    }

    it('delivers an MO injected while no receiver is bound once a receiver binds', async () => {
      await putFaults('qwait', { moRedelivery: { maxWaitMs: 20_000 } });
      const mo = postMo('qwait');
      await logger.until(() => (logger.lines.some((l) => l.msg === 'MO waits for a receiving bind' && l.obj['operator'] === 'qwait') ? true : undefined));
      const { body: waiting } = await http<SimStats>('GET', '/stats');
      expect(waiting.operators['qwait']).toMatchObject({ mosWaitingForBind: 1, mosWaitedForBind: 1, mosSent: 0 });
      expect(waiting.mosWaitingForBind).toBe(1);

      const received = await service('qwait', () => CommandStatus.ESME_ROK);
      const { status, body } = await mo;
      expect({ status, text: body.mt?.text }).toEqual({ status: 200, text: 're HELP' });
      expect(received.map(moOf)).toEqual([
        { sourceAddr: MO_MSISDN, destinationAddr: '8300', esmClass: 0, dataCoding: 0, text: 'HELP', bytes: Buffer.from('HELP').toString('hex') },
      ]);
      expect(await stats('qwait')).toMatchObject({ mosWaitingForBind: 0, mosWaitedForBind: 1, mosSent: 1, mosAcked: 1, mosRedelivered: 0 });
    });

    it('delivers an MO again on the next bind when its bind is dropped before deliver_sm_resp', async () => {
      await putFaults('qdrop', { moRedelivery: { retryDelayMs: 0 } });
      const received = await service('qdrop', async (n) => {
        // The first deliver_sm_resp is never seen: the bind is gone before the handler answers.
        if (n === 1) await http('POST', '/operators/qdrop/disconnect');
        return CommandStatus.ESME_ROK;
      });
      const { status, body } = await postMo('qdrop', 'HELP AGAIN');
      expect({ status, text: body.mt?.text }).toEqual({ status: 200, text: 're HELP AGAIN' });
      expect(received).toHaveLength(2);
      expect(moOf(received[1])).toEqual(moOf(received[0]));
      expect(await stats('qdrop')).toMatchObject({ disconnects: 1, mosSent: 1, moPartsSent: 2, mosRedelivered: 1, mosAcked: 1, mosFailed: 0 });
    });

    it('delivers an MO answered ESME_RX_T_APPN again', async () => {
      await putFaults('qtmp', { moRedelivery: { retryDelayMs: 10 } });
      const received = await service('qtmp', (n) => (n === 1 ? CommandStatus.ESME_RX_T_APPN : CommandStatus.ESME_ROK));
      const { status, body } = await postMo('qtmp');
      expect({ status, text: body.mt?.text }).toEqual({ status: 200, text: 're HELP' });
      expect(received).toHaveLength(2);
      expect(moOf(received[1])).toEqual(moOf(received[0]));
      expect(await stats('qtmp')).toMatchObject({ mosRedelivered: 1, mosAcked: 1, mosRefused: {} });
    });

    it('does not deliver again an MO answered with the permanent ESME_RINVSRCADR', async () => {
      await putFaults('qperm', { moRedelivery: { retryDelayMs: 0 } });
      const received = await service('qperm', () => CommandStatus.ESME_RINVSRCADR);
      const { status, body } = await postMo('qperm');
      expect({ status, body }).toEqual({
        status: 502,
        body: { error: 'mo-refused', mo: { commandStatus: CommandStatus.ESME_RINVSRCADR, commandStatusName: 'ESME_RINVSRCADR' } },
      });
      expect(received).toHaveLength(1);
      expect(await stats('qperm')).toMatchObject({ mosRedelivered: 0, mosAcked: 0, mosRefused: { ESME_RINVSRCADR: 1 } });
    });

    it('releases MOs waiting for a bind when the simulator stops', async () => {
      const own = await startSimulator(
        parseSimConfig({ http: { port: 0 }, operators: [{ id: 'stop', port: 0, faults: { moRedelivery: { maxWaitMs: 600_000 } } }] }, {}),
      );
      const waiting = own.exchange({ operator: 'stop', msisdn: MO_MSISDN, text: 'HELP', timeoutMs: 600_000 });
      const outcome = rejectionOf(waiting);
      expect(own.stats().mosWaitingForBind).toBe(1);
      await own.stop();
      expect(await outcome).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect(own.stats().mosWaitingForBind).toBe(0);
    });
  });
});
