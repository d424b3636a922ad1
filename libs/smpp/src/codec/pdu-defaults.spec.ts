import { CommandId } from './command-id';
import type { DataSm } from './pdu';
import { encodePdu } from './pdu-codec';
import { dataSmAsDeliverSm, deliverSmBody, submitSmBody } from './pdu-defaults';
import { TlvTag } from './tlv-tag';

describe('PDU field defaults', () => {
  it('fills every submit_sm field not given, so the body encodes', () => {
    const body = submitSmBody({ destinationAddr: '923000000001', shortMessage: Buffer.from('hi'), dataCoding: 8, sourceAddr: undefined });
    expect(body).toMatchObject({ destinationAddr: '923000000001', dataCoding: 8, sourceAddr: '', registeredDelivery: 0, validityPeriod: '', tlvs: [] });
    expect(() => encodePdu({ command: 'submit_sm', commandStatus: 0, sequenceNumber: 1, ...body })).not.toThrow();
  });

  it('fills every deliver_sm field not given', () => {
    const body = deliverSmBody({ sourceAddr: '923000000001', destinationAddr: '8300', shortMessage: Buffer.from('x'), esmClass: 0x04 });
    expect(body).toMatchObject({ esmClass: 0x04, protocolId: 0, scheduleDeliveryTime: '', tlvs: [] });
  });

  it('shows a data_sm as a deliver_sm that keeps the payload TLV and the data_sm command id', () => {
    const dataSm: DataSm = {
      command: 'data_sm',
      commandId: CommandId.DATA_SM,
      commandStatus: 0,
      sequenceNumber: 9,
      serviceType: 'WAP',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '923000000001',
      destAddrTon: 5,
      destAddrNpi: 0,
      destinationAddr: '8300',
      esmClass: 0x40,
      registeredDelivery: 1,
      dataCoding: 8,
      tlvs: [{ tag: TlvTag.message_payload, value: Buffer.from('0627', 'hex') }],
    };
    const view = dataSmAsDeliverSm(dataSm);
    expect(view).toMatchObject({
      command: 'deliver_sm',
      commandId: CommandId.DATA_SM,
      sequenceNumber: 9,
      serviceType: 'WAP',
      sourceAddr: '923000000001',
      destinationAddr: '8300',
      esmClass: 0x40,
      dataCoding: 8,
      shortMessage: Buffer.alloc(0),
      tlvs: dataSm.tlvs,
    });
  });
});
