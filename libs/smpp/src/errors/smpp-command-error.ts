import { commandStatusName, isRetriableStatus } from '../codec/command-status';
import { SmppError, SmppErrorCode } from './smpp-error';

/**
 * The peer answered a request with a non-zero command_status (or a generic_nack). Whether a retry
 * can help follows the status: throttling and full queues are temporary, a bad address is not.
 */
export class SmppCommandError extends SmppError {
  readonly commandStatus: number;
  /** Spec name of the request that failed, e.g. `submit_sm`. */
  readonly command: string;

  constructor(command: string, commandStatus: number, code: SmppErrorCode = 'COMMAND_STATUS') {
    super(code, `${command} failed with ${commandStatusName(commandStatus)} (0x${commandStatus.toString(16).padStart(8, '0')})`, {
      retriable: isRetriableStatus(commandStatus),
    });
    this.command = command;
    this.commandStatus = commandStatus;
  }
}
