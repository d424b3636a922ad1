import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOperatorLinks } from '@parchee/config';
import { silentLogger } from '@parchee/observability';
import { decodeDlr } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { CommandStatus, EsmClass, SmscServer, Ton, encodeGsm7, formatReceiptText, type ServerSession } from '@parchee/smpp';
import { TransceiverDeliveries } from '../receipts/transceiver-deliveries';
import { TransmitterPool } from './transmitter-pool';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The operator's SMSC on a free loopback port, letting `parchee-acme` / `acme-pw` bind. */
async function operatorSmsc(): Promise<{ smsc: SmscServer; port: number }> {
  const smsc = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: (bind) => (bind.password === 'acme-pw' ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD }),
    sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 500 },
  });
  cleanups.push(() => smsc.close());
  const { port } = await smsc.listen();
  return { smsc, port };
}

/** Operator links as egress loads them, from a file like config/operators.yaml. */
function linksFile(port: number, extra: string): ReturnType<typeof loadOperatorLinks> {
  const path = join(mkdtempSync(join(tmpdir(), 'parchee-egress-ops-')), 'operators.yaml');
  writeFileSync(
    path,
    `operators:
  - id: acme
    host: 127.0.0.1
    port: ${port}
    systemId: parchee-acme
    passwordEnv: ACME_PW
    tps: 100
${extra}`,
  );
  return loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'acme-pw' });
}

describe('TransmitterPool (real TCP)', () => {
  it('paces each transmitter bind at the bindTps of its operators.yaml link', async () => {
    const { smsc, port } = await operatorSmsc();
    const session = once(smsc, 'session') as Promise<[ServerSession]>;
    const pool = new TransmitterPool(linksFile(port, '    bindTps: 100\n').operators, silentLogger);
    cleanups.push(() => pool.stop());
    pool.start();
    const [bound] = await session;
    // The bind_resp went out before this round trip's request, so the client has read it by its answer.
    await bound.request({ command: 'enquire_link' });
    const arrivals: number[] = [];
    bound.setSubmitSmHandler(async () => {
      arrivals.push(performance.now());
      return { status: CommandStatus.ESME_ROK, messageId: String(arrivals.length) };
    });
    const transmitter = pool.pick('acme');
    if (transmitter === null) throw new Error('no acme transmitter bound');
    const part = { serviceType: '', sourceAddr: '8300', sourceAddrTon: 5, sourceAddrNpi: 0, destinationAddr: '923001234567', destAddrTon: 1, destAddrNpi: 1 };
    const fields = { ...part, esmClass: 0, dataCoding: 0, registeredDelivery: 0, shortMessage: Buffer.from('reply'), tlvs: [] };
    await Promise.all(Array.from({ length: 20 }, () => transmitter.submitSm(fields)));
    // 19 gaps of 10 ms at 100/s; half of it leaves room for the server reading late. Unpaced: a few ms.
    expect(arrivals).toHaveLength(20);
    expect(arrivals[19] - arrivals[0]).toBeGreaterThanOrEqual((19 * 10) / 2);
  });

  it('binds a bindMode: transceiver link as a transceiver, takes the receipts the SMSC sends to it, and sends an MO back for ingress', async () => {
    const { smsc, port } = await operatorSmsc();
    const session = once(smsc, 'session') as Promise<[ServerSession]>;
    const published: OutgoingRecord[] = [];
    const outcomes: string[] = [];
    const deliveries = new TransceiverDeliveries(
      { publish: async (records) => void published.push(...records) },
      { onDelivery: (_op, outcome) => outcomes.push(outcome) },
    );
    const pool = new TransmitterPool(linksFile(port, '    bindMode: transceiver\n').operators, silentLogger, undefined, undefined, deliveries);
    cleanups.push(() => pool.stop());
    await pool.start();
    const [bound] = await session;
    expect(bound.bindType).toBe('transceiver');

    const receipt = formatReceiptText({ id: '1a2b3c', sub: 1, dlvrd: 1, submitDate: new Date(), doneDate: new Date(), stat: 'DELIVRD', err: '000', text: '' });
    const receiptResp = await bound.deliverSm({
      sourceAddrTon: Ton.INTERNATIONAL,
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: Buffer.from(receipt, 'latin1'),
    });
    expect(receiptResp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(published).toHaveLength(1);
    expect(decodeDlr(published[0].value)).toMatchObject({ operator: 'acme', messageId: '1a2b3c', state: 'DELIVERED', final: true });

    const mo = bound.deliverSm({
      sourceAddrTon: Ton.INTERNATIONAL,
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      shortMessage: encodeGsm7('3520212345671'),
    });
    await expect(mo).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_T_APPN });
    expect(published).toHaveLength(1);
    expect(outcomes).toEqual(['receipt', 'mo_refused']);
  });
});
