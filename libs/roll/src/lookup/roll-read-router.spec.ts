import { RollError } from '../errors/roll-error';
import { ReplicaFallbackReason, RollReadRouter } from './roll-read-router';
import { RollVersionRef } from './roll-version-ref';
import { VoterRecord } from './voter-record';

const hash = Buffer.alloc(32, 7);
const text = hash.toString('base64url');
const voterFrom = (where: string): VoterRecord => ({
  serialNo: 1,
  familyNo: 1,
  gender: 'F',
  blockCode: '137000001',
  areaUr: where,
  areaEn: where,
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور سٹی',
  tehsilEn: 'Lahore City',
  na: null,
  pa: null,
  stationNo: 1,
  stationUr: 'سکول',
  stationEn: 'School',
});

/** A PostgreSQL server as the router sees it: the versions it holds, and whether it answers. */
class FakeServer {
  versions: number[];
  down = false;
  /** Checks that have been asked and not answered yet, when `holdChecks` is set. */
  holdChecks = false;
  private held: Array<() => void> = [];
  reads = 0;
  checks = 0;

  constructor(
    readonly name: string,
    versions: number[],
    private readonly active: RollVersionRef | null = null,
  ) {
    this.versions = versions;
  }

  async activeVersion(): Promise<RollVersionRef | null> {
    if (this.down) throw new RollError('ROLL_DATABASE_UNAVAILABLE', `${this.name} down`, true);
    return this.active;
  }

  async completeVersions(): Promise<number[]> {
    this.checks++;
    if (this.holdChecks) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.down) throw new RollError('ROLL_DATABASE_UNAVAILABLE', `${this.name} down`, true);
    return [...this.versions];
  }

  releaseChecks(): void {
    this.holdChecks = false;
    this.held.splice(0).forEach((resolve) => resolve());
  }

  async findVoters(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord>> {
    this.reads++;
    if (this.down) throw new RollError('ROLL_DATABASE_UNAVAILABLE', `${this.name} down`, true);
    // A server without the version's rows finds nothing: exactly the wrong answer the router must avoid.
    if (!this.versions.includes(version)) return new Map();
    return new Map(hashes.map((h) => [h.toString('base64url'), voterFrom(this.name)]));
  }

  async findVotersIfHeld(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord> | null> {
    if (!this.versions.includes(version) && !this.down) {
      this.reads++;
      return null;
    }
    return this.findVoters(version, hashes);
  }
}

function setup(replicaVersions: number[][], primaryVersions = [1]) {
  let clock = 1_000_000;
  const fallbacks: ReplicaFallbackReason[] = [];
  const primary = new FakeServer('primary', primaryVersions, { id: primaryVersions[primaryVersions.length - 1], cacheId: 'c' });
  const replicas = replicaVersions.map((v, i) => new FakeServer(`replica-${i + 1}`, v));
  const router = new RollReadRouter(
    primary,
    replicas.map((r) => ({ name: r.name, repo: r })),
    { replicaCheckMs: 1000, now: () => clock, observer: { onPrimaryFallback: (reason) => fallbacks.push(reason) } },
  );
  const whoAnswers = async (version: number) => (await router.findVoters(version, [hash])).get(text)?.areaEn ?? 'nobody';
  return { router, primary, replicas, fallbacks, whoAnswers, advance: (ms: number) => (clock += ms) };
}

/** Lets background checks (already answered fakes) settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RollReadRouter', () => {
  it('reads from the primary, counting no fallback, when no replica is configured', async () => {
    const { router, primary, whoAnswers, fallbacks } = setup([]);
    expect(await router.activeVersion()).toMatchObject({ id: 1 });
    expect(await whoAnswers(1)).toBe('primary');
    expect(primary.reads).toBe(1);
    expect(fallbacks).toEqual([]);
  });

  it('sends voter reads to a replica holding the version once the first active-version read has checked it, never to the primary', async () => {
    const { router, primary, replicas, whoAnswers, fallbacks } = setup([[1]]);
    await router.activeVersion();
    expect(await whoAnswers(1)).toBe('replica-1');
    expect(await whoAnswers(1)).toBe('replica-1');
    expect(primary.reads).toBe(0);
    expect(replicas[0].reads).toBe(2);
    expect(fallbacks).toEqual([]);
  });

  it('spreads reads over the replicas that hold the version, in turn', async () => {
    const { router, whoAnswers } = setup([[1], [1], [1]]);
    await router.activeVersion();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await whoAnswers(1));
    expect(answers).toEqual(['replica-1', 'replica-2', 'replica-3', 'replica-1', 'replica-2', 'replica-3']);
  });

  it('reads a version a replica has not replayed yet from the primary, counted as behind, and from the replica once a check shows it', async () => {
    const { router, primary, replicas, whoAnswers, fallbacks, advance } = setup([[1]], [1, 2]);
    expect(await router.activeVersion()).toMatchObject({ id: 2 });
    expect(await whoAnswers(2)).toBe('primary');
    expect(replicas[0].reads).toBe(0);
    expect(fallbacks).toEqual(['behind']);
    expect(router.replicaViews()).toEqual([{ name: 'replica-1', usable: true, versions: [1], state: 'behind' }]);

    replicas[0].versions = [1, 2]; // it replays the import
    expect(await whoAnswers(2)).toBe('primary'); // not checked again yet
    advance(1000);
    expect(await whoAnswers(2)).toBe('primary'); // this read starts the check
    await settle();
    expect(await whoAnswers(2)).toBe('replica-1');
    expect(fallbacks).toEqual(['behind', 'behind', 'behind']);
    expect(primary.reads).toBe(3);
    expect(router.replicaViews()[0].state).toBe('serving');
  });

  it('keeps reading an older version from a replica that lacks the newest one: the version asked for decides, not the newest', async () => {
    const { router, whoAnswers, fallbacks } = setup([[1]], [1, 2]);
    await router.activeVersion();
    expect(await whoAnswers(1)).toBe('replica-1');
    expect(fallbacks).toEqual([]);
  });

  it('does not take a replica’s empty answer for a version its server turns out not to hold (several servers behind one address): the primary answers, counted as behind', async () => {
    const { router, replicas, whoAnswers, fallbacks } = setup([[1, 2]], [1, 2]);
    await router.activeVersion(); // the check reached a server that holds version 2
    replicas[0].versions = [1]; // the reads reach one that does not
    expect(await whoAnswers(2)).toBe('primary');
    expect(fallbacks).toEqual(['behind']);
    expect(await whoAnswers(2)).toBe('primary');
    expect(replicas[0].reads).toBe(1); // not asked again for version 2 until a check says so
    expect(await whoAnswers(1)).toBe('replica-1');
  });

  it('uses another replica that has the version before the primary', async () => {
    const { router, whoAnswers, fallbacks } = setup([[1], [1, 2]], [1, 2]);
    await router.activeVersion();
    expect(await whoAnswers(2)).toBe('replica-2');
    expect(await whoAnswers(2)).toBe('replica-2');
    expect(fallbacks).toEqual([]);
  });

  it('answers a read that failed on a replica from the primary at once, counted as unavailable, and leaves the replica out until a check answers', async () => {
    const { router, primary, replicas, whoAnswers, fallbacks, advance } = setup([[1]]);
    await router.activeVersion();
    replicas[0].down = true;
    expect(await whoAnswers(1)).toBe('primary');
    expect(await whoAnswers(1)).toBe('primary');
    expect(replicas[0].reads).toBe(1); // the second read did not try it
    expect(fallbacks).toEqual(['unavailable', 'unavailable']);

    advance(1000);
    await whoAnswers(1); // starts a check, which fails: still left out
    await settle();
    expect(router.replicaViews()).toEqual([{ name: 'replica-1', usable: false, versions: [1], state: 'unavailable' }]);

    replicas[0].down = false;
    advance(1000);
    await whoAnswers(1);
    await settle();
    expect(await whoAnswers(1)).toBe('replica-1');
    expect(primary.reads).toBe(4);
  });

  it('fails over between replicas within one read', async () => {
    const { router, replicas, whoAnswers, fallbacks } = setup([[1], [1]]);
    await router.activeVersion();
    replicas[0].down = true;
    expect(await whoAnswers(1)).toBe('replica-2');
    expect(fallbacks).toEqual([]);
  });

  it('counts reads as unavailable when no replica answered its first check', async () => {
    const { router, replicas, whoAnswers, fallbacks } = setup([[1]]);
    replicas[0].down = true;
    await router.activeVersion();
    expect(await whoAnswers(1)).toBe('primary');
    expect(fallbacks).toEqual(['unavailable']);
  });

  it('waits for the first checks on the first active-version read only; later checks run behind the reads', async () => {
    const { router, replicas, whoAnswers, advance } = setup([[1]], [1, 2]);
    await router.activeVersion();
    replicas[0].holdChecks = true;
    replicas[0].versions = [1, 2];
    advance(1000);
    // The check is due and hangs: neither the version read nor the voter read waits for it.
    await router.activeVersion();
    expect(await whoAnswers(2)).toBe('primary');
    expect(replicas[0].checks).toBe(2); // no second check while one is in flight
    replicas[0].releaseChecks();
    await settle();
    expect(await whoAnswers(2)).toBe('replica-1');
  });

  it('throws the primary’s error for the active version, as without replicas', async () => {
    const { router, primary } = setup([[1]]);
    primary.down = true;
    await expect(router.activeVersion()).rejects.toMatchObject({ code: 'ROLL_DATABASE_UNAVAILABLE', retriable: true });
  });

  it('throws the primary’s retriable error when neither a replica nor the primary can read', async () => {
    const { router, primary, replicas } = setup([[1]]);
    await router.activeVersion();
    replicas[0].down = true;
    primary.down = true;
    await expect(router.findVoters(1, [hash])).rejects.toMatchObject({ code: 'ROLL_DATABASE_UNAVAILABLE', retriable: true });
  });
});
