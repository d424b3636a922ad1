import { Topics, decodeDeadLetter, decodeMt, encodeMessage, type MoMessageV2 } from '@parchee/contracts';
import type { ConsumedBatch } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { moFromText } from '@parchee/requests/testing';
import { RollPepperMismatchError } from '@parchee/roll';
import { LookupPipeline, type VoterDirectory } from './lookup-pipeline';
import type { VoterDetails } from '@parchee/replies';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');

const voter: VoterDetails = {
  blockCode: '111222333',
  serialNo: 5,
  familyNo: 2,
  areaUr: 'گلبرگ',
  areaEn: 'Gulberg',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور شہر',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 9,
  stationUr: 'سکول',
  stationEn: 'School',
};

class FakeDirectory implements VoterDirectory {
  calls = 0;
  failures = 0;
  constructor(private readonly roll: Map<string, VoterDetails>) {}
  async lookup(hashes: Buffer[]) {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error('database down'), { retriable: true });
    }
    return { version: 1, results: new Map(hashes.map((h) => [KeyedHasher.text(h), this.roll.get(KeyedHasher.text(h)) ?? null])) };
  }
}

function mo(id: string, text: string): MoMessageV2 {
  return moFromText(text, hasher, { id });
}

function batchOf(values: Array<Buffer | null>): ConsumedBatch {
  return {
    topic: Topics.MO,
    partition: 0,
    records: values.map((value, i) => ({ topic: Topics.MO, partition: 0, offset: String(i), key: Buffer.from('k'), value, timestamp: 0 })),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

describe('LookupPipeline', () => {
  const roll = new Map([[KeyedHasher.text(hasher.cnic('3520212345671')), voter]]);

  it('answers every MO of a batch with one MT whose id derives from the MO id', async () => {
    const directory = new FakeDirectory(roll);
    const pipeline = new LookupPipeline(directory, hasher.id);
    const { records: out } = await pipeline.process(
      batchOf([
        encodeMessage(mo('a', '3520212345671')),
        encodeMessage(mo('b', '3520212345673')),
        encodeMessage(mo('c', 'hello')),
        encodeMessage(mo('d', 'HELP')),
      ]),
    );
    const mts = out.map((r) => decodeMt(r.value));
    expect(mts.map((m) => [m.moId, m.kind])).toEqual([
      ['a', 'found'],
      ['b', 'not_found'],
      ['c', 'invalid'],
      ['d', 'help'],
    ]);
    expect(mts[0].id).toBe('a.r1');
    expect(mts[0].text).toContain('111222333');
    expect(directory.calls).toBe(1);
  });

  it('reads the roll once per batch, however many CNICs it holds', async () => {
    const directory = new FakeDirectory(roll);
    await new LookupPipeline(directory, hasher.id).process(batchOf(Array.from({ length: 50 }, (_, i) => encodeMessage(mo(`m${i}`, '3520212345671')))));
    expect(directory.calls).toBe(1);
  });

  it('dead-letters a record that is not an MO, and still answers the others', async () => {
    const { records: out } = await new LookupPipeline(new FakeDirectory(roll), hasher.id).process(
      batchOf([Buffer.from('garbage'), encodeMessage(mo('a', '3520212345671'))]),
    );
    expect(out[0].topic).toBe(Topics.DEAD_LETTER);
    expect(decodeDeadLetter(out[0].value)).toMatchObject({ service: 'lookup', code: 'MALFORMED_MESSAGE', sourceOffset: '0' });
    expect(out[1].topic).toBe(Topics.MT);
  });

  it('retries an unavailable roll and answers normally once it is back', async () => {
    const directory = new FakeDirectory(roll);
    directory.failures = 1;
    const { records: out } = await new LookupPipeline(directory, hasher.id, { rollRetryDeadlineMs: 5000 }).process(
      batchOf([encodeMessage(mo('a', '3520212345671'))]),
    );
    expect(decodeMt(out[0].value).kind).toBe('found');
    expect(directory.calls).toBe(2);
  });

  it('answers "busy" when the roll stays unavailable past the deadline', async () => {
    const directory = new FakeDirectory(roll);
    directory.failures = 1000;
    const { records: out } = await new LookupPipeline(directory, hasher.id, { rollRetryDeadlineMs: 0 }).process(
      batchOf([encodeMessage(mo('a', '3520212345671')), encodeMessage(mo('b', 'HELP'))]),
    );
    expect(out.map((r) => decodeMt(r.value).kind)).toEqual(['busy', 'help']);
  });

  it('answers "busy", never "not registered", while no roll version is active', async () => {
    const directory: VoterDirectory = { lookup: async () => ({ version: null, results: new Map() }) };
    const { records: out } = await new LookupPipeline(directory, hasher.id, { rollRetryDeadlineMs: 0 }).process(
      batchOf([encodeMessage(mo('a', '3520212345671'))]),
    );
    expect(decodeMt(out[0].value).kind).toBe('busy');
  });

  it('never writes the CNIC into an MT', async () => {
    const { records: out } = await new LookupPipeline(new FakeDirectory(roll), hasher.id).process(batchOf([encodeMessage(mo('a', '3520212345671'))]));
    expect(out[0].value.toString()).not.toContain('3520212345671');
  });

  describe('during a pepper rotation', () => {
    const next = new KeyedHasher('the-next-pepper-0123456789abcdef');
    /** A roll keyed with `keyedWith`, refusing hashes of another pepper as RollReader does. */
    function rollKeyedWith(keyedWith: KeyedHasher) {
      const asked: Array<string | undefined> = [];
      const directory: VoterDirectory = {
        lookup: async (hashes, options) => {
          asked.push(options?.pepperId);
          if (options?.pepperId !== keyedWith.id) throw new RollPepperMismatchError(options?.pepperId ?? '', keyedWith.id, 2);
          return { version: 2, results: new Map(hashes.map((h) => [KeyedHasher.text(h), h.equals(keyedWith.cnic('3520212345671')) ? voter : null])) };
        },
      };
      return { directory, asked };
    }

    it('switches to the hashes of the pepper the active version was keyed with, and stays with it', async () => {
      const { directory, asked } = rollKeyedWith(next);
      const pipeline = new LookupPipeline(directory, hasher.id, { rollRetryDeadlineMs: 0 });
      const both = (id: string) => encodeMessage(moFromText('3520212345671', [hasher, next], { id }));
      expect((await pipeline.process(batchOf([both('a')]))).records.map((r) => decodeMt(r.value).kind)).toEqual(['found']);
      expect((await pipeline.process(batchOf([both('b')]))).records.map((r) => decodeMt(r.value).kind)).toEqual(['found']);
      expect(asked).toEqual([hasher.id, next.id, next.id]);
    });

    it('answers "busy", never "not registered", to an MO without a hash under the roll’s pepper', async () => {
      const { directory } = rollKeyedWith(next);
      const { records: out } = await new LookupPipeline(directory, hasher.id, { rollRetryDeadlineMs: 0 }).process(
        batchOf([encodeMessage(mo('a', '3520212345671')), encodeMessage(mo('b', 'HELP'))]),
      );
      expect(out.map((r) => decodeMt(r.value).kind)).toEqual(['busy', 'help']);
    });
  });
});
