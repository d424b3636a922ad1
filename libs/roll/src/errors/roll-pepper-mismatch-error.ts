import { RollError } from './roll-error';

/**
 * CNIC hashes made with one pepper were offered to a roll version keyed with another: they could
 * only ever miss, so they are refused rather than answered "not registered". `activePepperId`
 * says which pepper's hashes to send instead.
 */
export class RollPepperMismatchError extends RollError {
  constructor(
    readonly offeredPepperId: string,
    readonly activePepperId: string,
    version: number,
  ) {
    super('ROLL_PEPPER_MISMATCH', `roll version ${version} is keyed with pepper ${activePepperId}, not ${offeredPepperId}`, false);
  }
}
