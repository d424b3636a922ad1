import type { MtMessageV1 } from '@parchee/contracts';
import { DEFAULT_CLIENT_SUBMIT } from '@parchee/config';
import { testClientLink } from '@parchee/config/testing';
import { silentLogger } from '@parchee/observability';
import { CommandStatus, SmscServer, Ton, parseRelativeTime, type SubmitSm } from '@parchee/smpp';
import { LinkDirectory } from '../binds/link-directory';
import { TransmitterPool } from '../binds/transmitter-pool';
import { MtSender } from './mt-sender';

/*
 * Each link's submit profile on the wire: egress's transmitter binds to a real SMSC over TCP,
 * one link without a submit block and one with a profile, and the SMSC records every submit_sm
 * it decodes.
 */

function mt(operator: string, overrides: Partial<MtMessageV1> = {}): MtMessageV1 {
  return {
    v: 1,
    id: `${operator}-mt`,
    moId: `${operator}-mo`,
    operator,
    msisdn: '923001234567',
    shortCode: '8300',
    text: 'Your polling station is GBHS Model Town, Lahore.',
    lang: 'en',
    kind: 'found',
    moReceivedAt: Date.now(),
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    ...overrides,
  };
}

let server: SmscServer;
let pool: TransmitterPool;
let sender: MtSender;
/** Every submit_sm the SMSC decoded, by the system_id of the bind it came on. */
const received = new Map<string, SubmitSm[]>();
/** Statuses the SMSC answers the next submit_sm of a system_id with, before ESME_ROK. */
const refusals = new Map<string, number[]>();

beforeAll(async () => {
  server = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: () => ({ ok: true }),
    sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 500 },
  });
  const bound = new Set<string>();
  const allBound = new Promise<void>((resolve) =>
    server.on('session', (session) => {
      session.setSubmitSmHandler(async (pdu) => {
        const status = refusals.get(session.systemId)?.shift();
        if (status !== undefined) return { status };
        received.set(session.systemId, [...(received.get(session.systemId) ?? []), pdu]);
        return { status: CommandStatus.ESME_ROK, messageId: `${session.systemId}-${received.get(session.systemId)?.length}` };
      });
      bound.add(session.systemId);
      if (bound.size === 2) resolve();
    }),
  );
  const { port } = await server.listen();
  const plain = testClientLink({ port, id: 'jazz', systemId: 'jazz' });
  const profiled = testClientLink({
    port,
    id: 'zong',
    systemId: 'zong',
    submit: {
      ...DEFAULT_CLIENT_SUBMIT,
      sourceTon: Ton.UNKNOWN,
      sourceNpi: 1,
      destFormat: 'national-trunk',
      destTon: Ton.UNKNOWN,
      destNpi: 1,
      validity: 'none',
      registeredDelivery: 17,
      serviceType: 'CMT',
      dataCoding0: 'latin1',
      retriableStatuses: [CommandStatus.ESME_RSUBMITFAIL],
    },
  });
  pool = new TransmitterPool([plain, profiled], silentLogger);
  pool.start();
  await allBound;
  // A reply that finds its bind not up yet waits and retries, as in production.
  sender = new MtSender(new LinkDirectory([pool]), { retryDeadlineMs: 5000 });
});

afterAll(async () => {
  await pool?.stop();
  await server?.close();
});

describe('submit profiles over a real SMPP bind', () => {
  it('sends a link without a submit block the submit_sm fields egress always sent', async () => {
    const sent = mt('jazz', { text: 'Write to help@ecp.gov.pk' });
    expect(await sender.send(sent)).toMatchObject({ outcome: 'sent' });
    const [pdu] = received.get('jazz') ?? [];
    expect(pdu).toMatchObject({
      serviceType: '',
      sourceAddr: '8300',
      sourceAddrTon: Ton.NETWORK_SPECIFIC,
      sourceAddrNpi: 0,
      destinationAddr: '923001234567',
      destAddrTon: Ton.INTERNATIONAL,
      destAddrNpi: 1,
      registeredDelivery: 1,
      dataCoding: 0,
    });
    // The reply's remaining lifetime, in whole seconds.
    expect(parseRelativeTime(pdu.validityPeriod)).toBeGreaterThan(50_000);
    expect(parseRelativeTime(pdu.validityPeriod)).toBeLessThanOrEqual(60_000);
    // GSM septets: '@' is 0x00.
    expect(pdu.shortMessage.includes(0x00)).toBe(true);
  });

  it('sends a profiled link its TON/NPI, its number format, no validity and its alphabet, retrying its declared temporary status', async () => {
    refusals.set('zong', [CommandStatus.ESME_RSUBMITFAIL]);
    const sent = mt('zong', { text: 'Write to help@ecp.gov.pk' });
    expect(await sender.send(sent)).toMatchObject({ outcome: 'sent', messageIds: ['zong-1'] });
    expect(refusals.get('zong')).toEqual([]);
    const [pdu] = received.get('zong') ?? [];
    expect(pdu).toMatchObject({
      serviceType: 'CMT',
      sourceAddr: '8300',
      sourceAddrTon: Ton.UNKNOWN,
      sourceAddrNpi: 1,
      destinationAddr: '03001234567',
      destAddrTon: Ton.UNKNOWN,
      destAddrNpi: 1,
      validityPeriod: '',
      registeredDelivery: 17,
      dataCoding: 0,
    });
    expect(pdu.shortMessage.toString('latin1')).toBe('Write to help@ecp.gov.pk');
  });
});
