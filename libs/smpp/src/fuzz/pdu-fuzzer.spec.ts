import { CommandId, commandName, isResponseCommandId } from '../codec/command-id';
import { decodePdu, DEFAULT_MAX_PDU_LENGTH, PDU_HEADER_LENGTH } from '../codec/pdu-codec';
import { SmppDecodeError } from '../errors/smpp-decode-error';
import { FuzzRandom, PduFuzzer } from '../testing/pdu-fuzzer';

describe('FuzzRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const random = new FuzzRandom(seed);
      return Array.from({ length: 8 }, () => random.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps below() and between() in range', () => {
    const random = new FuzzRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(random.between(-3, 5));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(random.below(1)).toBe(0);
  });
});

describe('PduFuzzer', () => {
  const inputs = (seed: number, n: number): string[] => {
    const fuzzer = new PduFuzzer(seed, { poolSize: 64 });
    return Array.from({ length: n }, (_, i) => fuzzer.framed(i + 1).bytes.toString('hex'));
  };

  it('makes the same inputs from the same seed', () => {
    expect(inputs(1, 200)).toEqual(inputs(1, 200));
    expect(inputs(1, 200)).not.toEqual(inputs(2, 200));
  });

  it('holds a valid PDU of every SMPP 3.4 command, each decoding as itself', () => {
    const fuzzer = new PduFuzzer(3, { poolSize: 64 });
    const commands = Object.keys(CommandId).map((name) => name.toLowerCase());
    expect([...fuzzer.poolCommands].sort()).toEqual([...commands].sort());
    for (const command of fuzzer.poolCommands) {
      for (let i = 0; i < 20; i++) {
        const pdu = decodePdu(fuzzer.validPdu(command, 77));
        expect(pdu).toMatchObject({ command, sequenceNumber: 77 });
      }
    }
  });

  it('keeps command_length equal to the size of every framed input, and decoding never throws anything but SmppDecodeError', () => {
    const fuzzer = new PduFuzzer(4);
    const kinds = new Set<string>();
    const unframed: string[] = [];
    const otherErrors: unknown[] = [];
    let decodable = 0;
    for (let i = 0; i < 10_000; i++) {
      const { bytes, kind } = fuzzer.framed(i);
      kinds.add(kind);
      if (bytes.length < PDU_HEADER_LENGTH || bytes.length > DEFAULT_MAX_PDU_LENGTH || bytes.readUInt32BE(0) !== bytes.length)
        unframed.push(bytes.toString('hex'));
      try {
        decodePdu(bytes);
        decodable++;
      } catch (error) {
        if (!(error instanceof SmppDecodeError)) otherErrors.push(error);
      }
    }
    expect(unframed).toEqual([]);
    expect(otherErrors).toEqual([]);
    expect([...kinds].sort()).toEqual(['mutated', 'random-frame', 'valid']);
    // Enough get through the decoder to reach the session and the application, enough do not.
    expect(decodable).toBeGreaterThan(1_000);
    expect(decodable).toBeLessThan(9_000);
  });

  it('makes stream breakers that really break the stream', () => {
    const fuzzer = new PduFuzzer(5);
    const kinds = new Set<string>();
    const wrong: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const { bytes, kind } = fuzzer.streamBreaker(i);
      kinds.add(kind);
      const length = bytes.readUInt32BE(0);
      const breaks =
        kind === 'implausible-length'
          ? length < PDU_HEADER_LENGTH || length > DEFAULT_MAX_PDU_LENGTH
          : kind === 'unbind'
            ? decodePdu(bytes).command === 'unbind'
            : length !== bytes.length;
      if (!breaks) wrong.push(`${kind} ${bytes.toString('hex')}`);
    }
    expect(wrong).toEqual([]);
    expect([...kinds].sort()).toEqual(['extended-unframed', 'implausible-length', 'lying-length', 'truncated-unframed', 'unbind']);
  });

  it('answers a request with a framed response PDU carrying its sequence number', () => {
    const fuzzer = new PduFuzzer(6);
    const wrong: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const bytes = fuzzer.answer(CommandId.SUBMIT_SM, 1234);
      const commandId = bytes.readUInt32BE(4);
      if (bytes.readUInt32BE(0) !== bytes.length || !isResponseCommandId(commandId) || commandName(commandId) === undefined) wrong.push(bytes.toString('hex'));
    }
    expect(wrong).toEqual([]);
  });
});
