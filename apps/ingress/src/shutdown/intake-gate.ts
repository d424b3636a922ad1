import { CommandStatus } from '@parchee/smpp';

type MoHandler<T> = (operator: string, pdu: T) => Promise<number>;

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

  guard<T>(handler: MoHandler<T>, onRefused?: (operator: string) => void): MoHandler<T> {
    return (operator, pdu) => {
      if (this.open) return handler(operator, pdu);
      onRefused?.(operator);
      return Promise.resolve(CommandStatus.ESME_RX_T_APPN);
    };
  }
}
