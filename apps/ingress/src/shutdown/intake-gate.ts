import { CommandStatus } from '@parchee/smpp';
import type { MoSink } from '../mo/mo-sink';

/**
 * Closed at the first moment of a shutdown: from then on every new MO is answered
 * `ESME_RX_T_APPN`, so the SMSC keeps it and delivers it again later (to another replica or to
 * this one restarted), while the MOs already being stored still get their `ESME_ROK`. Without
 * it, an MO arriving while the binds unbind could be stored in Kafka and then never answered,
 * and the SMSC's re-delivery would become a second reply.
 */
export class IntakeGate {
  private open = true;

  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    this.open = false;
  }

  /** `sink` behind the gate: what the binds are given to hand MOs to. `onRefused` counts each MO refused once closed. */
  guard<Pdu>(sink: MoSink<Pdu>, onRefused?: (operator: string) => void): MoSink<Pdu> {
    return {
      accept: (operator, pdu) => {
        if (this.open) return sink.accept(operator, pdu);
        onRefused?.(operator);
        return Promise.resolve(CommandStatus.ESME_RX_T_APPN);
      },
    };
  }
}
