import type { DeliverSm } from '@parchee/smpp';

/**
 * Where the receiver binds and the operator servers hand each MO they receive: resolves with the
 * status to answer (ESME_ROK only once the MO is in Kafka). MoAcceptor is the sink; the binds get
 * it behind the IntakeGate, which refuses new MOs once a shutdown has begun.
 */
export interface MoSink<Pdu = DeliverSm> {
  accept(operator: string, pdu: Pdu): Promise<number>;
}
