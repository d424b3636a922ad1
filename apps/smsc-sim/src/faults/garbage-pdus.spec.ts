import { CommandId, CommandStatus, commandName, decodePdu, PduFramer, SmppDecodeError } from '@parchee/smpp';
import { GARBAGE_KINDS, garbagePdu, UNDEFINED_COMMAND_ID } from './garbage-pdus';

function decodeError(bytes: Buffer): SmppDecodeError {
  try {
    decodePdu(bytes);
  } catch (err) {
    if (err instanceof SmppDecodeError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

describe('garbage PDUs', () => {
  it('uses a command_id SMPP 3.4 does not define', () => {
    expect(commandName(UNDEFINED_COMMAND_ID)).toBeUndefined();
  });

  it.each(GARBAGE_KINDS)('%s frames cleanly, so the stream stays in step', (kind) => {
    const bytes = garbagePdu(kind, 0x7fff0001);
    expect(bytes.readUInt32BE(0)).toBe(bytes.length);
    const framer = new PduFramer();
    expect(framer.push(Buffer.concat([bytes, bytes]))).toHaveLength(2);
    expect(framer.failed).toBe(false);
  });

  it('cannot be decoded, each for its own reason, keeping the command and sequence number for the answer', () => {
    const status = (kind: (typeof GARBAGE_KINDS)[number]) => decodeError(garbagePdu(kind, 77));
    expect(status('bad-length')).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDLEN, commandId: CommandId.ENQUIRE_LINK, sequenceNumber: 77 });
    expect(status('unknown-command')).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDID, commandId: UNDEFINED_COMMAND_ID, sequenceNumber: 77 });
    expect(status('truncated-body')).toMatchObject({ commandId: CommandId.DELIVER_SM, sequenceNumber: 77 });
  });
});
