import { CommandId } from '../codec/command-id';
import type { DeliverSm } from '../codec/pdu';

/** A decoded deliver_sm from a subscriber (923001234567) to the short code 8300, plain GSM text; `fields` override. */
export function deliverSmPdu(fields: Partial<DeliverSm> = {}): DeliverSm {
  return {
    command: 'deliver_sm',
    commandId: CommandId.DELIVER_SM,
    commandStatus: 0,
    sequenceNumber: 1,
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '923001234567',
    destAddrTon: 0,
    destAddrNpi: 0,
    destinationAddr: '8300',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: [],
    ...fields,
  };
}
