import { decodeDlr } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { CommandStatus, EsmClass, TlvTag, createTlv } from '@parchee/smpp';
import { deliverSmPdu } from '@parchee/smpp/testing';
import { TransceiverDeliveries } from './transceiver-deliveries';

function setup(fail = false) {
  const published: OutgoingRecord[] = [];
  const outcomes: string[] = [];
  const deliveries = new TransceiverDeliveries(
    {
      publish: async (records) => {
        if (fail) throw new Error('broker away');
        published.push(...records);
      },
    },
    { onDelivery: (_operator, outcome) => outcomes.push(outcome) },
  );
  return { deliveries, published, outcomes };
}

const receipt = deliverSmPdu({
  esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
  shortMessage: Buffer.from('id:00ff sub:001 dlvrd:001 submit date:2612070101 done date:2612070102 stat:DELIVRD err:000 text:', 'latin1'),
});

describe('TransceiverDeliveries (what an SMSC sends to egress’s transceiver binds)', () => {
  it('publishes a receipt for egress to correlate, before answering it ESME_ROK', async () => {
    const { deliveries, published, outcomes } = setup();
    expect(await deliveries.accept('jazz', receipt)).toBe(CommandStatus.ESME_ROK);
    expect(published).toHaveLength(1);
    expect(decodeDlr(published[0].value)).toMatchObject({ operator: 'jazz', messageId: '00ff', state: 'DELIVERED', final: true });
    expect(outcomes).toEqual(['receipt']);
  });

  it('asks the SMSC to send a receipt again when it cannot be stored', async () => {
    const { deliveries, outcomes } = setup(true);
    expect(await deliveries.accept('jazz', receipt)).toBe(CommandStatus.ESME_RX_T_APPN);
    expect(outcomes).toEqual(['receipt_publish_failed']);
  });

  it.each([
    ['an MO', deliverSmPdu({ shortMessage: Buffer.from('3520212345671', 'latin1') })],
    ['a USSD step', deliverSmPdu({ shortMessage: Buffer.from('1', 'latin1'), tlvs: [createTlv(TlvTag.ussd_service_op, 1)] })],
  ])('sends %s back with a temporary error, for ingress to take, and publishes nothing', async (_name, pdu) => {
    const { deliveries, published, outcomes } = setup();
    expect(await deliveries.accept('jazz', pdu)).toBe(CommandStatus.ESME_RX_T_APPN);
    expect(published).toHaveLength(0);
    expect(outcomes).toEqual(['mo_refused']);
  });
});
