import { SmppDecodeError } from '../errors/smpp-decode-error';
import { CommandStatus } from './command-status';
import { decodePdu, encodePdu } from './pdu-codec';
import { PduFramer } from './pdu-framer';

const enquireLink = (sequenceNumber: number): Buffer => encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber });
const submitSmResp = (sequenceNumber: number, messageId: string): Buffer =>
  encodePdu({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber, messageId });

function sequenceNumbers(frames: Buffer[]): number[] {
  return frames.map((frame) => decodePdu(frame).sequenceNumber);
}

describe('PduFramer', () => {
  it('yields a PDU delivered in one chunk', () => {
    const framer = new PduFramer();
    expect(sequenceNumbers(framer.push(enquireLink(1)))).toEqual([1]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('reassembles a PDU split one byte at a time, including inside the length field', () => {
    const framer = new PduFramer();
    const bytes = submitSmResp(7, 'message-7');
    const frames: Buffer[] = [];
    for (const byte of bytes) frames.push(...framer.push(Buffer.from([byte])));
    expect(frames).toHaveLength(1);
    expect(frames[0].equals(bytes)).toBe(true);
  });

  it('separates several PDUs coalesced into one chunk, keeping a partial tail for later', () => {
    const framer = new PduFramer();
    const third = submitSmResp(3, 'tail');
    const stream = Buffer.concat([enquireLink(1), submitSmResp(2, 'abc'), third]);
    const cut = stream.length - 5;
    expect(sequenceNumbers(framer.push(stream.subarray(0, cut)))).toEqual([1, 2]);
    expect(framer.bufferedBytes).toBe(third.length - 5);
    expect(sequenceNumbers(framer.push(stream.subarray(cut)))).toEqual([3]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('cuts a frame with a bad body without disturbing the frames after it', () => {
    const framer = new PduFramer();
    const unknownCommand = Buffer.from('00000014 00001234 00000000 00000009 deadbeef'.replace(/\s/g, ''), 'hex');
    const frames = framer.push(Buffer.concat([unknownCommand, enquireLink(10)]));
    expect(frames).toHaveLength(2);
    expect(() => decodePdu(frames[0])).toThrow(SmppDecodeError);
    expect(decodePdu(frames[1]).sequenceNumber).toBe(10);
  });

  it('fails for good on a command_length below 16, since no later boundary can be trusted', () => {
    const framer = new PduFramer();
    const bad = Buffer.from('00000008 00000015 00000000 00000004'.replace(/\s/g, ''), 'hex');
    expect(() => framer.push(bad)).toThrow(expect.objectContaining({ commandStatus: CommandStatus.ESME_RINVCMDLEN, sequenceNumber: undefined }));
    expect(framer.failed).toBe(true);
    expect(() => framer.push(enquireLink(5))).toThrow(SmppDecodeError);
  });

  it('fails on a command_length above the maximum as soon as the length is read, with the header when present', () => {
    const framer = new PduFramer({ maxPduLength: 1024 });
    const header = Buffer.from('00100000 00000004 00000000 0000002a'.replace(/\s/g, ''), 'hex');
    expect(() => framer.push(header)).toThrow(expect.objectContaining({ commandStatus: CommandStatus.ESME_RINVCMDLEN, sequenceNumber: 42 }));
    const early = new PduFramer({ maxPduLength: 1024 });
    expect(() => early.push(header.subarray(0, 4))).toThrow(expect.objectContaining({ commandStatus: CommandStatus.ESME_RINVCMDLEN }));
  });

  it('returns frames that stay valid after later pushes', () => {
    const framer = new PduFramer();
    const first = framer.push(Buffer.concat([enquireLink(1), enquireLink(2).subarray(0, 3)]));
    framer.push(enquireLink(2).subarray(3));
    expect(decodePdu(first[0]).sequenceNumber).toBe(1);
  });
});
