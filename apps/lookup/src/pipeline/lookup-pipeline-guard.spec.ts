import { Topics, decodeMt, encodeMessage, type MoMessageV2 } from '@parchee/contracts';
import type { ConsumedBatch } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { moFromText } from '@parchee/requests/testing';
import { LookupPipeline, type VoterDirectory } from './lookup-pipeline';
import type { GuardDecision, GuardedLookup, GuardVerdict, RequestGuard } from '@parchee/protection';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');

class RecordingDirectory implements VoterDirectory {
  asked: string[] = [];
  async lookup(hashes: Buffer[]) {
    this.asked.push(...hashes.map((h) => KeyedHasher.text(h)));
    return { version: 1, results: new Map(hashes.map((h) => [KeyedHasher.text(h), null])) };
  }
}

/** Answers from a table keyed by CNIC (looked up by its hash), and records what it was asked. */
class TableGuard implements RequestGuard {
  seen: GuardedLookup[][] = [];
  private readonly byHash: Map<string, GuardVerdict>;
  constructor(verdicts: Record<string, GuardVerdict>) {
    this.byHash = new Map(Object.entries(verdicts).map(([cnic, v]) => [KeyedHasher.text(hasher.cnic(cnic)), v]));
  }
  async decide(requests: readonly GuardedLookup[]): Promise<GuardDecision> {
    this.seen.push([...requests]);
    return { verdicts: requests.map((r) => this.byHash.get(KeyedHasher.text(r.cnicHash)) ?? 'allow'), stored: Promise.resolve() };
  }
}

function mo(id: string, text: string, msisdn = '923001234567'): MoMessageV2 {
  return moFromText(text, hasher, { id, msisdn });
}

function batchOf(mos: MoMessageV2[]): ConsumedBatch {
  return {
    topic: Topics.MO,
    partition: 0,
    records: mos.map((m, i) => ({ topic: Topics.MO, partition: 0, offset: String(i), key: Buffer.from('k'), value: encodeMessage(m), timestamp: 0 })),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

describe('LookupPipeline with a request guard', () => {
  it('answers a refused lookup politely and never asks the roll for its CNIC', async () => {
    const directory = new RecordingDirectory();
    const guard = new TableGuard({ '3520212345672': 'rate_limited', '3520212345673': 'enumeration' });
    const refused: Array<[string, string]> = [];
    const pipeline = new LookupPipeline(directory, hasher.id, { guard, onRefused: (reason, operator) => refused.push([reason, operator]) });
    const { records: out } = await pipeline.process(batchOf([mo('a', '3520212345671'), mo('b', 'E 3520212345672'), mo('c', '3520212345673')]));
    const mts = out.map((r) => decodeMt(r.value));
    expect(mts.map((m) => m.kind)).toEqual(['not_found', 'refused', 'refused']);
    expect(mts[1].text).toContain('limit');
    expect(directory.asked).toEqual([KeyedHasher.text(hasher.cnic('3520212345671'))]);
    expect(refused).toEqual([
      ['rate_limited', 'jazz'],
      ['enumeration', 'jazz'],
    ]);
  });

  it('does not read the roll at all when every lookup of the batch is refused', async () => {
    const directory = new RecordingDirectory();
    const { records: out } = await new LookupPipeline(directory, hasher.id, { guard: new TableGuard({ '3520212345671': 'enumeration' }) }).process(
      batchOf([mo('a', '3520212345671')]),
    );
    expect(decodeMt(out[0].value).kind).toBe('refused');
    expect(directory.asked).toEqual([]);
  });

  it('asks the guard about lookups only: help and invalid texts do not count', async () => {
    const guard = new TableGuard({});
    await new LookupPipeline(new RecordingDirectory(), hasher.id, { guard }).process(
      batchOf([mo('a', 'HELP'), mo('b', 'hello'), mo('c', '3520212345671', '923009999999')]),
    );
    expect(guard.seen).toHaveLength(1);
    const near = hasher.cnicNeighbourhood('3520212345671', 1000).map((m) => KeyedHasher.text(m));
    expect(guard.seen[0]).toEqual([{ msisdn: '923009999999', operator: 'jazz', cnicHash: hasher.cnic('3520212345671'), near }]);
  });

  it('does not call the guard for a batch without lookups', async () => {
    const guard = new TableGuard({});
    await new LookupPipeline(new RecordingDirectory(), hasher.id, { guard }).process(batchOf([mo('a', 'HELP')]));
    expect(guard.seen).toHaveLength(0);
  });
});

/** Allows each number `allowed` replies, then withholds the rest. */
class CountingCap {
  asked: Array<{ msisdn: string }> = [];
  constructor(private readonly allowed: number) {}
  private readonly counts = new Map<string, number>();
  async mute(requests: ReadonlyArray<{ msisdn: string }>): Promise<boolean[]> {
    this.asked.push(...requests.map(({ msisdn }) => ({ msisdn })));
    return requests.map(({ msisdn }) => {
      const n = (this.counts.get(msisdn) ?? 0) + 1;
      this.counts.set(msisdn, n);
      return n > this.allowed;
    });
  }
}

describe('LookupPipeline with the loop breaker on help and invalid replies', () => {
  it('sends no reply at all to a help or invalid request the cap withholds, and counts and audits it', async () => {
    const cap = new CountingCap(2);
    const refused: string[] = [];
    const rows: Array<{ moId: string; outcome: string; refusal: string | null }> = [];
    const pipeline = new LookupPipeline(new RecordingDirectory(), hasher.id, {
      replyCap: cap,
      onRefused: (reason) => refused.push(reason),
      audit: { hasher, write: async (r) => void rows.push(...r.map(({ moId, outcome, refusal }) => ({ moId, outcome, refusal }))) },
    });
    // An auto-responder's texts: each differs, none is a CNIC.
    const { records: out, beforeCommit } = await pipeline.process(
      batchOf([mo('a', 'id:1 delivered'), mo('b', 'HELP'), mo('c', 'id:2 delivered'), mo('d', '3520212345671'), mo('e', 'id:3 delivered')]),
    );
    // The audit rows are written by the time the batch may commit.
    await beforeCommit;
    expect(out.map((r) => decodeMt(r.value).moId)).toEqual(['a', 'b', 'd']);
    expect(refused).toEqual(['muted', 'muted']);
    expect(rows.filter((r) => r.refusal === 'muted').map((r) => [r.moId, r.outcome])).toEqual([
      ['c', 'invalid'],
      ['e', 'invalid'],
    ]);
    // Lookups never go through the cap.
    expect(cap.asked).toHaveLength(4);
  });

  it('sends every reply when the cap allows them', async () => {
    const { records: out } = await new LookupPipeline(new RecordingDirectory(), hasher.id, { replyCap: new CountingCap(10) }).process(
      batchOf([mo('a', 'HELP'), mo('b', 'hello')]),
    );
    expect(out.map((r) => decodeMt(r.value).kind)).toEqual(['help', 'invalid']);
  });
});
