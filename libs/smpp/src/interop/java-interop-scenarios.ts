import type { EventEmitter } from 'node:events';
import type { BindType } from '../codec/bind-type';
import { CommandStatus } from '../codec/command-status';
import { ESM_CLASS_GSM_FEATURES, EsmClass, MessageState, Npi, RegisteredDelivery, Ton } from '../codec/field-values';
import type { DeliverSm, SubmitSm } from '../codec/pdu';
import { formatRelativeTime } from '../codec/smpp-time';
import { createTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { EsmeClient } from '../client/esme-client';
import { startOperatorBinds, type OperatorBindType, type OperatorClientLink } from '../client/operator-binds';
import { SmppCommandError } from '../errors/smpp-command-error';
import { deliveryKind, formatReceiptId, formatReceiptText, normaliseMessageId, parseDeliveryReceipt, receiptTextSample } from '../receipts';
import type { ReceiptStatWord } from '../receipts';
import { OperatorServer, type OperatorBindCheck, type OperatorServerDirection } from '../server/operator-server';
import type { ServerSession, SubmitSmHandler } from '../server/server-session';
import { SmscServer } from '../server/smsc-server';
import type { SmppLogger } from '../session/smpp-logger';
import { ConcatReader, type CompleteSms } from '../text/concat-reader';
import { segmentForSms, type SegmentationMode } from '../text/segmenter';
import { JavaPeerProcess, type JavaPeerLibrary } from './java-peer-process';
import type { PeerEvent } from './peer-process';

// The scenarios every Java stack is put through, in both roles (README.md has the table).
// jsmpp.int-spec.ts and cloudhopper.int-spec.ts each run them against one library, in one JVM.

const SYSTEM_ID = 'parchee';
const PASSWORD = 'secret';
const SUBSCRIBER = '923001234567';
const SHORT_CODE = '8300';
const VALIDITY = formatRelativeTime(60 * 60_000);

// Our replies: long ones need several parts in every mode. The GSM ones carry '@' (0x00) and
// escapes of the extension table (the long one all of them); the Urdu ones are UCS-2.
const REPLIES = {
  gsm:
    'Parchee 8300: CNIC 35202-1234567-1 is on the roll of NA-125 Lahore-III, PP-158. Polling station: Govt. Boys Primary School No. 2 ' +
    '[Model Town, Block C], booth 3, serial 1043, family 77. Bring your original CNIC; entry is free (€0). Help: {8300} ~ ecp@pk ^|\\ end',
  ucs2: 'پرچی 8300: شناختی کارڈ 35202-1234567-1 کا اندراج این اے 125 لاہور میں ہے۔ پولنگ اسٹیشن: گورنمنٹ بوائز پرائمری اسکول نمبر 2، ماڈل ٹاؤن بلاک سی، بوتھ 3، سلسلہ نمبر 1043، خاندان نمبر 77۔ اصل شناختی کارڈ ساتھ لائیں۔',
} as const;
const SHORT_REPLIES = { gsm: 'Parchee: NA-125 [Model Town] booth 3 @ GBPS No. 2, fee €0', ucs2: 'آپ کا ووٹ لاہور میں ہے' } as const;
type Coding = keyof typeof REPLIES;

// MOs: a short one for a single PDU, long ones for every concatenation mode. In the GSM one a '€'
// (two octets) starts at octet 133, where the 134-octet splitters cut: its escape arrives in one
// part and its second octet in the next. UCS-2 cut at 133 octets (jsmpp) splits a character.
const MO_SHORT = { gsm: '35202-1234567-1', ucs2: 'میرا شناختی کارڈ 35202-1234567-1' } as const;
const MO_LONG = {
  gsm: 'CNIC 35202-1234567-1, please tell me where I vote; ghar ka pata Model Town Lahore. '.repeat(2).slice(0, 133) + '€ [asap] shukriya @ 8300',
  ucs2: 'میرا شناختی کارڈ نمبر 35202-1234567-1 ہے۔ براہ کرم بتائیں کہ میرا پولنگ اسٹیشن کہاں ہے اور میرا سلسلہ نمبر کیا ہے؟ بہت شکریہ، لاہور سے۔',
} as const;

const BIND_TYPES: BindType[] = ['transmitter', 'receiver', 'transceiver'];
/** How a message travels: in one PDU, or in one of the segmentation modes. */
type MessageMode = 'single' | SegmentationMode;
const MESSAGE_CASES: Array<[Coding, MessageMode]> = (['single', 'udh8', 'udh16', 'sar', 'payload'] as const).flatMap((mode) => [
  ['gsm', mode] as [Coding, MessageMode],
  ['ucs2', mode] as [Coding, MessageMode],
]);
const CONCAT_REF: Readonly<Record<MessageMode, number>> = { single: 0, udh8: 0xa7, udh16: 0xbeef, sar: 0x4d2, payload: 0 };
const inParts = (mode: MessageMode): boolean => mode !== 'single' && mode !== 'payload';

/** Our reply cut for the mode as egress cuts it: a short reply for 'single', a long one otherwise. */
function cutReply(coding: Coding, mode: MessageMode): { text: string } & ReturnType<typeof segmentForSms> {
  const text = mode === 'single' ? SHORT_REPLIES[coding] : REPLIES[coding];
  return { text, ...segmentForSms(text, { reference: CONCAT_REF[mode], mode: mode === 'single' ? 'udh8' : mode }) };
}

/** What would show that the library could not read what we sent, or that we sent something it calls wrong. */
const TROUBLE_EVENTS = new Set(['generic_nack_sent', 'decode_error', 'tlv_error', 'session_error', 'unexpected_response', 'bind_error', 'unbind_resp_failed']);
const GENERIC_NACK = 0x80000000;

function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

async function bound(client: EsmeClient): Promise<void> {
  if (!client.isBound) await nextEvent(client, 'bound');
}

/** What the session logs when the peer never answered our unbind. */
const UNBIND_NOT_ACKNOWLEDGED = 'unbind not acknowledged; closing anyway';

/** Keeps what is logged: the SMSC's name as our bind read it, and whether the peer answered our unbind. */
function recordingLogger(): SmppLogger & { infos: object[]; warnings: string[] } {
  const infos: object[] = [];
  const warnings: string[] = [];
  return {
    debug: () => undefined,
    info: (obj, msg) => infos.push({ ...obj, msg }),
    warn: (_obj, msg) => warnings.push(msg ?? ''),
    error: (_obj, msg) => warnings.push(msg ?? ''),
    infos,
    warnings,
  };
}

/** The transmitter's submit_sm for one part, with the fields egress's MtSender sends. */
function mtFields(segment: { shortMessage: Buffer; esmClass: number; tlvs: Array<{ tag: number; value: Buffer }> }, dataCoding: number) {
  return {
    sourceAddr: SHORT_CODE,
    sourceAddrTon: Ton.NETWORK_SPECIFIC,
    sourceAddrNpi: Npi.UNKNOWN,
    destinationAddr: SUBSCRIBER,
    destAddrTon: Ton.INTERNATIONAL,
    destAddrNpi: Npi.ISDN,
    esmClass: segment.esmClass,
    dataCoding,
    registeredDelivery: RegisteredDelivery.SUCCESS_OR_FAILURE,
    shortMessage: segment.shortMessage,
    tlvs: segment.tlvs,
    validityPeriod: VALIDITY,
  };
}

export interface JavaInteropOptions {
  /** The system_id the library's SMSC names itself with in bind_resp. */
  smscSystemId: string;
}

/** Registers the interop specs of one Java SMPP library (call at the top level of a spec file). */
export function describeJavaInterop(library: JavaPeerLibrary, options: JavaInteropOptions): void {
  let peer: JavaPeerProcess;
  let checked = 0;
  let nextId = 0;
  const cleanups: Array<() => Promise<unknown>> = [];
  const id = (prefix: string): string => `${prefix}${++nextId}`;

  beforeAll(async () => {
    peer = await JavaPeerProcess.start(library);
  }, 300_000);

  afterAll(async () => {
    await peer?.kill();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (peer === undefined) return;
    const events = peer.events.slice(checked);
    checked = peer.events.length;
    // In every test: the library never failed to read us, never had to nack, never got a nack.
    expect(
      events.filter(
        (event) => TROUBLE_EVENTS.has(event.event) || (event.event === 'pdu_in' && event['command_id'] === GENERIC_NACK) || 'receipt_error' in event,
      ),
    ).toEqual([]);
  });

  // ---------------------------------------------------------------------------------------------
  // The library as the operator's SMSC; our binds connect to it.

  async function startSmsc(): Promise<{ smsc: string; port: number }> {
    const smsc = id('smsc');
    const started = await peer.call('smsc_start', { smsc, system_id: SYSTEM_ID, password: PASSWORD, smsc_id: options.smscSystemId });
    cleanups.push(() => peer.call('smsc_stop', { smsc }));
    return { smsc, port: started['port'] as number };
  }

  function link(port: number): OperatorClientLink {
    return {
      id: library,
      host: '127.0.0.1',
      port,
      systemId: SYSTEM_ID,
      password: PASSWORD,
      systemType: 'parchee',
      window: 10,
      responseTimeoutMs: 5_000,
      enquireLinkIntervalMs: 30_000,
      tls: false,
    };
  }

  /** One bind as ingress (receiver) or egress (transmitter) opens it. */
  function operatorBind(port: number, bindType: OperatorBindType, onClient?: (client: EsmeClient) => void): EsmeClient {
    const clients = startOperatorBinds({ link: link(port), bindType, count: 1, onClient });
    cleanups.push(() => Promise.all(clients.map((client) => client.stop())));
    return clients[0];
  }

  function esmeClient(port: number, bindType: BindType, logger?: SmppLogger, password = PASSWORD): EsmeClient {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port,
      systemId: SYSTEM_ID,
      password,
      systemType: 'parchee',
      bindType,
      enquireLinkIntervalMs: 0,
      responseTimeoutMs: 5_000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, factor: 2, jitter: 0 },
      sessionOptions: { unbindTimeoutMs: 2_000 },
      logger,
    });
    client.on('error', () => undefined);
    cleanups.push(() => client.stop());
    return client;
  }

  /** The peer's number for the session our bind of this type opened. */
  async function peerSession(smsc: string, bindType: BindType): Promise<number> {
    const bind = await peer.waitFor('bind', (event) => event['smsc'] === smsc && event['bind_type'] === bindType && event['ok'] === true);
    return bind['session'] as number;
  }

  function peerEvents(name: string, where: (event: PeerEvent) => boolean): PeerEvent[] {
    return peer.events.filter((event) => event.event === name && where(event));
  }

  describe(`our binds against the ${library} SMSC`, () => {
    it.each(BIND_TYPES)('binds as %s with its system_id, password, system_type and SMPP 3.4, and stop() unbinds cleanly', async (bindType) => {
      const { smsc, port } = await startSmsc();
      const logger = recordingLogger();
      const client = esmeClient(port, bindType, logger);
      client.start();
      await bound(client);

      const session = await peerSession(smsc, bindType);
      expect(await peer.waitFor('bind', (event) => event['smsc'] === smsc && event['session'] === session)).toMatchObject({
        status: 0,
        system_id: SYSTEM_ID,
        password: PASSWORD,
        system_type: 'parchee',
        interface_version: 0x34,
      });
      // The SMSC's own name, as we read it from its bind_resp.
      expect(logger.infos).toContainEqual(expect.objectContaining({ msg: 'SMPP bound', smsc: options.smscSystemId }));

      await client.stop();
      await peer.waitFor('unbind', (event) => event['smsc'] === smsc && event['session'] === session);
      await peer.waitFor('closed', (event) => event['smsc'] === smsc && event['session'] === session);
      expect(client.isBound).toBe(false);
      expect(logger.warnings).not.toContain(UNBIND_NOT_ACKNOWLEDGED);
    });

    it('reports a bind the SMSC refuses with ESME_RINVPASWD as BIND_FAILED', async () => {
      const { smsc, port } = await startSmsc();
      const client = esmeClient(port, 'transceiver', undefined, 'wrong');
      const errors: Error[] = [];
      client.on('error', (error) => errors.push(error));
      const failed = nextEvent(client, 'reconnecting');
      client.start();
      await failed;

      expect(await peer.waitFor('bind', (event) => event['smsc'] === smsc)).toMatchObject({ ok: false, status: CommandStatus.ESME_RINVPASWD });
      expect(errors[0]).toMatchObject({ code: 'BIND_FAILED', commandStatus: CommandStatus.ESME_RINVPASWD });
      expect(client.isBound).toBe(false);
    });

    it.each(MESSAGE_CASES)('submits a %s reply in %s mode that the SMSC reassembles to the exact text, and returns its message ids', async (coding, mode) => {
      const { smsc, port } = await startSmsc();
      const transmitter = operatorBind(port, 'transmitter');
      await bound(transmitter);
      const { text, dataCoding, segments } = cutReply(coding, mode);
      expect(segments.length > 1).toBe(inParts(mode));

      const messageIds: string[] = [];
      for (const segment of segments) messageIds.push((await transmitter.submitSm(mtFields(segment, dataCoding))).messageId);

      const message = await peer.waitFor('message', (event) => event['smsc'] === smsc);
      expect(message).toMatchObject({
        text,
        parts: segments.length,
        scheme: mode,
        data_coding: dataCoding,
        source_addr: SHORT_CODE,
        destination_addr: SUBSCRIBER,
      });
      if (inParts(mode)) expect(message['ref']).toBe(CONCAT_REF[mode]);
      const submits = peerEvents('submit_sm', (event) => event['smsc'] === smsc);
      expect(submits.map((event) => event['message_id'])).toEqual(messageIds);
      for (const submit of submits) {
        expect(submit).toMatchObject({
          source_addr_ton: Ton.NETWORK_SPECIFIC,
          source_addr_npi: Npi.UNKNOWN,
          dest_addr_ton: Ton.INTERNATIONAL,
          dest_addr_npi: Npi.ISDN,
          registered_delivery: RegisteredDelivery.SUCCESS_OR_FAILURE,
          validity_period: VALIDITY,
          data_coding: dataCoding,
          esm_class: mode.startsWith('udh') ? EsmClass.UDHI_INDICATOR : 0,
          udhi: mode.startsWith('udh'),
        });
      }
    });

    it.each(MESSAGE_CASES)(
      'takes a %s MO the SMSC sends in %s mode on our receiver bind, acks every part, and reads back the exact text',
      async (coding, mode) => {
        const { smsc, port } = await startSmsc();
        const received: DeliverSm[] = [];
        const complete: CompleteSms[] = [];
        const reader = new ConcatReader();
        const receiver = operatorBind(port, 'receiver', (client) =>
          client.setDeliverSmHandler(async (pdu) => {
            received.push(pdu);
            const read = reader.read(`${library}:${pdu.sourceAddr}`, pdu);
            if (read.status === 'complete') complete.push(read.message);
            return CommandStatus.ESME_ROK;
          }),
        );
        await bound(receiver);
        const session = await peerSession(smsc, 'receiver');
        const text = mode === 'single' ? MO_SHORT[coding] : MO_LONG[coding];

        const sent = await peer.call('smsc_deliver', { smsc, session, source: SUBSCRIBER, destination: SHORT_CODE, text, coding, mode, concat_ref: 0x5c });

        const statuses = sent['statuses'] as number[];
        expect(statuses).toEqual(received.map(() => CommandStatus.ESME_ROK));
        expect(statuses.length > 1).toBe(inParts(mode));
        expect(received.map((pdu) => deliveryKind(pdu))).toEqual(received.map(() => 'mo'));
        expect(received[0]).toMatchObject({ sourceAddr: SUBSCRIBER, sourceAddrTon: Ton.INTERNATIONAL, sourceAddrNpi: Npi.ISDN, destinationAddr: SHORT_CODE });
        expect(complete).toHaveLength(1);
        expect(complete[0]).toMatchObject({ text, parts: statuses.length, messagePayload: mode === 'payload' });
        if (inParts(mode)) expect(complete[0].concat).toEqual({ scheme: mode, ref: sent['concat_ref'], total: statuses.length });
      },
    );

    it.each([
      {
        form: 'with receipted_message_id and message_state, the id as submit_sm_resp gave it',
        tlvs: true,
        idForm: 'hex',
        stat: 'DELIVRD',
        err: '000',
        state: 'DELIVERED',
      },
      { form: 'as text alone, the id in decimal', tlvs: false, idForm: 'decimal', stat: 'UNDELIV', err: '011', state: 'UNDELIVERABLE' },
    ] as const)('reads the SMSC receipt for our MT ($form) on the receiver bind as a final receipt for that MT', async ({ tlvs, idForm, stat, err, state }) => {
      const { smsc, port } = await startSmsc();
      const receipts: DeliverSm[] = [];
      const receiver = operatorBind(port, 'receiver', (client) =>
        client.setDeliverSmHandler(async (pdu) => {
          receipts.push(pdu);
          return CommandStatus.ESME_ROK;
        }),
      );
      const transmitter = operatorBind(port, 'transmitter');
      await Promise.all([bound(receiver), bound(transmitter)]);
      const session = await peerSession(smsc, 'receiver');
      const { dataCoding, segments } = segmentForSms(MO_SHORT.gsm, { reference: 0 });
      const submitted = await transmitter.submitSm(mtFields(segments[0], dataCoding));

      const sent = await peer.call('smsc_receipt', {
        smsc,
        session,
        message_id: submitted.messageId,
        id_form: idForm,
        stat,
        err,
        tlvs,
        source: SUBSCRIBER,
        destination: SHORT_CODE,
        text: MO_SHORT.gsm,
      });

      expect(sent['status']).toBe(CommandStatus.ESME_ROK);
      expect(receipts).toHaveLength(1);
      expect(deliveryKind(receipts[0])).toBe('delivery_receipt');
      const receipt = parseDeliveryReceipt(receipts[0]);
      expect(receipt).toMatchObject({ state, final: true, errorCode: err });
      expect(sent['text']).toContain(`id:${receipt?.messageId} `);
      expect(sent['text']).toContain(`submit date:${receipt?.submitDate} done date:${receipt?.doneDate} `);
      if (tlvs) expect(receipt?.messageId).toBe(submitted.messageId);
      // How egress finds the MT again: the two ids share a normalised form.
      expect(receipt?.normalisedIds.some((candidate) => normaliseMessageId(submitted.messageId).includes(candidate))).toBe(true);
    });

    it('reads the SMSC answering ESME_RTHROTTLED as a retriable throttling error, and the bind carries on', async () => {
      const { smsc, port } = await startSmsc();
      const transmitter = operatorBind(port, 'transmitter');
      await bound(transmitter);
      const { dataCoding, segments } = segmentForSms(MO_SHORT.gsm, { reference: 0 });
      await peer.call('smsc_throttle', { smsc, count: 1 });

      const refused = await transmitter.submitSm(mtFields(segments[0], dataCoding)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SmppCommandError);
      expect(refused).toMatchObject({ command: 'submit_sm', commandStatus: CommandStatus.ESME_RTHROTTLED, retriable: true });
      expect(transmitter.isBound).toBe(true);

      const accepted = await transmitter.submitSm(mtFields(segments[0], dataCoding));
      expect(accepted.commandStatus).toBe(CommandStatus.ESME_ROK);
      const submits = await peer.waitForCount('submit_sm', (event) => event['smsc'] === smsc, 2);
      expect(submits.map((event) => [event['status'], event['message_id']])).toEqual([
        [CommandStatus.ESME_RTHROTTLED, undefined],
        [CommandStatus.ESME_ROK, accepted.messageId],
      ]);
    });

    it('gets its enquire_link answered by the SMSC and answers the SMSC’s', async () => {
      const { smsc, port } = await startSmsc();
      const client = esmeClient(port, 'transceiver');
      client.start();
      await bound(client);
      const session = await peerSession(smsc, 'transceiver');

      const ours = await client.request({ command: 'enquire_link' });
      expect(ours).toMatchObject({ command: 'enquire_link_resp', commandStatus: CommandStatus.ESME_ROK });
      expect(await peer.waitFor('enquire_link', (event) => event['smsc'] === smsc)).toMatchObject({ session, seq: ours.sequenceNumber });

      expect(await peer.call('smsc_enquire_link', { smsc, session })).toMatchObject({ status: CommandStatus.ESME_ROK });
      expect(client.isBound).toBe(true);
    });

    it('answers the SMSC’s unbind, reports the bind lost, and binds again', async () => {
      const { smsc, port } = await startSmsc();
      const client = esmeClient(port, 'receiver');
      client.start();
      await bound(client);
      const first = await peerSession(smsc, 'receiver');
      const unbound = nextEvent<[string]>(client, 'unbound');

      expect(await peer.call('smsc_unbind', { smsc, session: first })).toMatchObject({ status: CommandStatus.ESME_ROK });
      expect((await unbound)[0]).toBe('peer unbound');
      await nextEvent(client, 'bound');
      const second = await peer.waitFor('bind', (event) => event['smsc'] === smsc && event['session'] !== first);
      expect(second).toMatchObject({ ok: true, bind_type: 'receiver' });
    });
  });

  // ---------------------------------------------------------------------------------------------
  // The library as the operator's ESME; it binds to our servers (server-mode links).

  const guard: OperatorBindCheck = {
    check: ({ systemId, password }) =>
      systemId !== SYSTEM_ID ? { ok: false, reason: 'unknown_system_id' } : password !== PASSWORD ? { ok: false, reason: 'wrong_password' } : { ok: true },
  };

  /** The server ingress (MOs) or egress (MTs) hosts for a server-mode link. */
  async function operatorServer(
    direction: OperatorServerDirection,
    onSession: (session: ServerSession) => void,
    logger?: SmppLogger,
  ): Promise<{ server: OperatorServer; port: number }> {
    const server = new OperatorServer({
      link: { id: library, listen: { ingressPort: 0, egressPort: 0, host: '127.0.0.1' }, window: 10, responseTimeoutMs: 5_000, enquireLinkIntervalMs: 30_000 },
      direction,
      guard,
      onSession,
      logger,
      bindTimeoutMs: 5_000,
    });
    cleanups.push(() => server.close());
    return { server, port: await server.listen() };
  }

  async function bindEsme(port: number, bindType: BindType, password = PASSWORD, timeoutMs = 5_000): Promise<{ esme: string; answer: PeerEvent }> {
    const esme = id('esme');
    const answer = await peer.call('esme_bind', {
      esme,
      port,
      bind_type: bindType,
      system_id: SYSTEM_ID,
      password,
      system_type: 'OPERATOR',
      timeout_ms: timeoutMs,
    });
    cleanups.push(() => peer.call('esme_close', { esme }));
    return { esme, answer };
  }

  describe(`the ${library} ESME against our servers`, () => {
    it.each(BIND_TYPES)('binds as %s, reads our bind_resp (system_id, SMPP 3.4), and its unbind closes the session', async (bindType) => {
      const sessions: ServerSession[] = [];
      const { server, port } = await operatorServer('ingress', (session) => sessions.push(session));

      const { esme, answer } = await bindEsme(port, bindType);

      expect(answer).toMatchObject({
        status: CommandStatus.ESME_ROK,
        bind_resp_status: CommandStatus.ESME_ROK,
        system_id: 'parchee',
        sc_interface_version: 0x34,
      });
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ systemId: SYSTEM_ID, bindType });
      expect(await peer.call('esme_unbind', { esme })).toMatchObject({ status: CommandStatus.ESME_ROK });
      expect(await sessions[0].closed).toBe('peer unbound');
      expect(server.sessions.size).toBe(0);
    });

    it('refuses a wrong password with ESME_RINVPASWD, which the library reads off the wire, and the bind fails', async () => {
      const sessions: ServerSession[] = [];
      const { port } = await operatorServer('ingress', (session) => sessions.push(session));

      const { answer } = await bindEsme(port, 'transmitter', 'wrong', 1_000);

      expect(answer['bind_resp_status']).toBe(CommandStatus.ESME_RINVPASWD);
      // jsmpp 3.0.1 may lose a bind_resp followed at once by the close and report a timeout
      // instead (see README.md, "Findings"): the bind fails either way.
      expect(answer['status']).not.toBe(CommandStatus.ESME_ROK);
      expect(sessions).toHaveLength(0);
    });

    it.each(MESSAGE_CASES)(
      'takes a %s MO the ESME submits in %s mode, answers each part with our message id, and reads back the exact text',
      async (coding, mode) => {
        const submits: SubmitSm[] = [];
        const complete: CompleteSms[] = [];
        const reader = new ConcatReader();
        const { port } = await operatorServer('ingress', (session) =>
          session.setSubmitSmHandler(async (pdu) => {
            submits.push(pdu);
            const read = reader.read(`${library}:${pdu.sourceAddr}`, pdu);
            if (read.status === 'complete') complete.push(read.message);
            return { status: CommandStatus.ESME_ROK, messageId: `mo-${submits.length}` };
          }),
        );
        const { esme } = await bindEsme(port, 'transmitter');
        const text = mode === 'single' ? MO_SHORT[coding] : MO_LONG[coding];

        const sent = await peer.call('esme_submit', { esme, source: SUBSCRIBER, destination: SHORT_CODE, text, coding, mode, concat_ref: 0x5c });

        const answers = sent['parts'] as Array<{ status: number; message_id?: string }>;
        expect(answers).toEqual(submits.map((_, i) => ({ status: CommandStatus.ESME_ROK, message_id: `mo-${i + 1}` })));
        expect(answers.length > 1).toBe(inParts(mode));
        expect(submits[0]).toMatchObject({ sourceAddr: SUBSCRIBER, sourceAddrTon: Ton.INTERNATIONAL, sourceAddrNpi: Npi.ISDN, destinationAddr: SHORT_CODE });
        expect(submits.map((pdu) => deliveryKind({ ...pdu, esmClass: pdu.esmClass & ESM_CLASS_GSM_FEATURES }))).toEqual(submits.map(() => 'mo'));
        expect(complete).toHaveLength(1);
        expect(complete[0]).toMatchObject({ text, parts: answers.length, messagePayload: mode === 'payload' });
        if (inParts(mode)) expect(complete[0].concat).toEqual({ scheme: mode, ref: sent['concat_ref'], total: answers.length });
      },
    );

    /** The egress server with the ESME's receiver bind on it; our MTs go out through `session`. */
    async function egressWithReceiver(logger?: SmppLogger): Promise<{ server: OperatorServer; session: ServerSession; esme: string }> {
      const sessions: ServerSession[] = [];
      const { server, port } = await operatorServer(
        'egress',
        (session) => {
          session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_RINVBNDSTS }));
          sessions.push(session);
        },
        logger,
      );
      const { esme } = await bindEsme(port, 'receiver');
      return { server, session: sessions[0], esme };
    }

    it.each(MESSAGE_CASES)('delivers a %s reply in %s mode as deliver_sm that the ESME acks and reassembles to the exact text', async (coding, mode) => {
      const { session, esme } = await egressWithReceiver();
      const { text, dataCoding, segments } = cutReply(coding, mode);

      for (const segment of segments) {
        // As egress's DeliveringSession sends an MT over a server-mode link.
        const resp = await session.deliverSm({
          ...mtFields(segment, dataCoding),
          esmClass: segment.esmClass & ESM_CLASS_GSM_FEATURES,
          registeredDelivery: 0,
          validityPeriod: '',
        });
        expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
      }

      const message = await peer.waitFor('message', (event) => event['esme'] === esme);
      expect(message).toMatchObject({
        text,
        parts: segments.length,
        scheme: mode,
        data_coding: dataCoding,
        source_addr: SHORT_CODE,
        destination_addr: SUBSCRIBER,
      });
      if (inParts(mode)) expect(message['ref']).toBe(CONCAT_REF[mode]);
      const delivered = peerEvents('deliver_sm', (event) => event['esme'] === esme);
      expect(delivered).toHaveLength(segments.length);
      for (const pdu of delivered) {
        expect(pdu).toMatchObject({
          source_addr_ton: Ton.NETWORK_SPECIFIC,
          dest_addr_ton: Ton.INTERNATIONAL,
          dest_addr_npi: Npi.ISDN,
          data_coding: dataCoding,
          esm_class: mode.startsWith('udh') ? EsmClass.UDHI_INDICATOR : 0,
          udhi: mode.startsWith('udh'),
          smsc_delivery_receipt: false,
        });
      }
    });

    it.each([
      { stat: 'DELIVRD', idForm: 'hex', state: MessageState.DELIVERED },
      { stat: 'UNDELIV', idForm: 'decimal', state: MessageState.UNDELIVERABLE },
    ] as const)(
      'sends a $stat receipt (formatReceiptText, receipted_message_id, message_state) that the library reads field by field',
      async ({ stat, idForm, state }) => {
        const { session, esme } = await egressWithReceiver();
        const messageId = '5f3a9c01';
        const shown = formatReceiptId(messageId, idForm);
        const text = formatReceiptText({
          id: shown,
          dlvrd: stat === 'DELIVRD' ? 1 : 0,
          submitDate: new Date(Date.UTC(2026, 1, 8, 9, 5, 30)),
          doneDate: new Date(Date.UTC(2026, 1, 8, 9, 7, 1)),
          stat: stat as ReceiptStatWord,
          err: stat === 'DELIVRD' ? 0 : 11,
          text: REPLIES.gsm,
        });

        // As the simulator (apps/smsc-sim) builds its standard receipt.
        const resp = await session.deliverSm({
          sourceAddrTon: Ton.INTERNATIONAL,
          sourceAddrNpi: Npi.ISDN,
          sourceAddr: SUBSCRIBER,
          destinationAddr: SHORT_CODE,
          esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
          shortMessage: Buffer.from(text, 'latin1'),
          tlvs: [createTlv(TlvTag.receipted_message_id, messageId), createTlv(TlvTag.message_state, state)],
        });

        expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
        const delivered = await peer.waitFor('deliver_sm', (event) => event['esme'] === esme);
        expect(delivered).toMatchObject({
          esm_class: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
          smsc_delivery_receipt: true,
          receipt: {
            id: shown,
            submitted: 1,
            delivered: stat === 'DELIVRD' ? 1 : 0,
            submit_date: '2602080905',
            done_date: '2602080907',
            stat,
            err: stat === 'DELIVRD' ? '000' : '011',
            text: receiptTextSample(REPLIES.gsm),
          },
        });
        expect(delivered['tlvs']).toEqual([
          { tag: TlvTag.receipted_message_id, hex: Buffer.from(`${messageId}\0`).toString('hex') },
          { tag: TlvTag.message_state, hex: state.toString(16).padStart(2, '0') },
        ]);
      },
    );

    it('reads the ESME answering our deliver_sm with ESME_RTHROTTLED as a retriable throttling error, and the session carries on', async () => {
      const { session, esme } = await egressWithReceiver();
      const { dataCoding, segments } = segmentForSms(REPLIES.gsm.slice(0, 40), { reference: 0 });
      const fields = { ...mtFields(segments[0], dataCoding), registeredDelivery: 0, validityPeriod: '' };
      await peer.call('esme_respond', { esme, status: CommandStatus.ESME_RTHROTTLED, count: 1 });

      const refused = await session.deliverSm(fields).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SmppCommandError);
      expect(refused).toMatchObject({ command: 'deliver_sm', commandStatus: CommandStatus.ESME_RTHROTTLED, retriable: true });

      expect((await session.deliverSm(fields)).commandStatus).toBe(CommandStatus.ESME_ROK);
      const delivered = await peer.waitForCount('deliver_sm', (event) => event['esme'] === esme, 2);
      expect(delivered.map((event) => event['status'])).toEqual([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_ROK]);
    });

    it('answers a submit_sm beyond maxPeerInFlight with ESME_RTHROTTLED, which the library reads as such', async () => {
      let arrived!: () => void;
      let release!: () => void;
      const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
      const held = new Promise<void>((resolve) => (release = resolve));
      const submits: SubmitSm[] = [];
      const handler: SubmitSmHandler = async (pdu) => {
        submits.push(pdu);
        if (submits.length === 1) {
          arrived();
          await held;
        }
        return { status: CommandStatus.ESME_ROK, messageId: `mo-${submits.length}` };
      };
      const server = new SmscServer({
        host: '127.0.0.1',
        port: 0,
        systemId: 'parchee',
        authenticate: (bind) =>
          bind.systemId === SYSTEM_ID && bind.password === PASSWORD ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD },
        sessionOptions: { maxPeerInFlight: 1, enquireLinkIntervalMs: 0 },
      });
      server.on('session', (session) => session.setSubmitSmHandler(handler));
      cleanups.push(() => server.close());
      const { port } = await server.listen();
      const { esme } = await bindEsme(port, 'transmitter');
      const mo = { esme, source: SUBSCRIBER, destination: SHORT_CODE, coding: 'gsm', mode: 'single' };

      const first = peer.call('esme_submit', { ...mo, text: '35202-1234567-1' });
      await firstArrived;
      const second = await peer.call('esme_submit', { ...mo, text: '35202-7654321-1' });
      expect(second['parts']).toEqual([{ status: CommandStatus.ESME_RTHROTTLED }]);

      release();
      expect((await first)['parts']).toEqual([{ status: CommandStatus.ESME_ROK, message_id: 'mo-1' }]);
      expect((await peer.call('esme_submit', { ...mo, text: '35202-7654321-1' }))['parts']).toEqual([{ status: CommandStatus.ESME_ROK, message_id: 'mo-2' }]);
      expect(submits).toHaveLength(2);
    });

    it('gets our enquire_link answered by the ESME and answers the ESME’s', async () => {
      const sessions: ServerSession[] = [];
      const { port } = await operatorServer('ingress', (session) => sessions.push(session));
      const { esme } = await bindEsme(port, 'transceiver');

      const ours = await sessions[0].request({ command: 'enquire_link' });
      expect(ours).toMatchObject({ command: 'enquire_link_resp', commandStatus: CommandStatus.ESME_ROK });
      expect(await peer.waitFor('enquire_link', (event) => event['esme'] === esme)).toMatchObject({ seq: ours.sequenceNumber });

      expect(await peer.call('esme_enquire_link', { esme })).toMatchObject({ status: CommandStatus.ESME_ROK });
      expect(sessions[0].isOpen).toBe(true);
    });

    it('unbinds the ESME when our server closes, and the ESME answers the unbind', async () => {
      const logger = recordingLogger();
      const { server, esme } = await egressWithReceiver(logger);

      await server.close();

      await peer.waitFor('unbind', (event) => event['esme'] === esme);
      await peer.waitFor('closed', (event) => event['esme'] === esme);
      expect(server.sessions.size).toBe(0);
      expect(logger.warnings).not.toContain(UNBIND_NOT_ACKNOWLEDGED);
    });
  });
}
