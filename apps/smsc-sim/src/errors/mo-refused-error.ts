import { SimError } from './sim-error';

/** The ESME answered a deliver_sm with a non-zero command_status. */
export class MoRefusedError extends SimError {
  constructor(
    readonly commandStatus: number,
    readonly commandStatusName: string,
  ) {
    super('MO_REFUSED', `deliver_sm refused with ${commandStatusName}`, false);
  }
}
