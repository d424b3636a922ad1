import { CommandId } from '../codec/command-id';
import type { DeliverSm } from '../codec/pdu';
import { deliverSmBody } from '../codec/pdu-defaults';

/** A decoded deliver_sm from a subscriber (923001234567, international) to the short code 8300, plain GSM text; `fields` override. */
export function deliverSmPdu(fields: Partial<DeliverSm> = {}): DeliverSm {
  return {
    command: 'deliver_sm',
    commandId: CommandId.DELIVER_SM,
    commandStatus: 0,
    sequenceNumber: 1,
    ...deliverSmBody({ sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.alloc(0) }),
    ...fields,
  };
}
