import { randomBytes } from 'node:crypto';
import { decodeMt, mtIdFor } from '@parchee/contracts';
import { freshTopic, readTopic, testKafka } from '@parchee/messaging/testing';
import { MetricsRegistry, silentLogger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { createRequestGuard } from '@parchee/protection';
import { testRedis } from '@parchee/redis/testing';
import { createRollPool, queryAudit } from '@parchee/roll';
import { dropDatabaseIfExists, prepareScratchRoll, testDatabaseUrl, type ScratchRoll } from '@parchee/roll/testing';
import { loadUssdConfig, type UssdConfig } from './config/ussd-config';
import type { UssdEvent } from './dialogs/ussd-step';
import { createUssdComponents, type UssdComponents } from './ussd-components';
import { createUssdMetrics } from './ussd-metrics';

const PEPPER = 'ussd-int-test-pepper-0123456789ab';
const DB = testDatabaseUrl('parchee_ussd_it');
// A database of its own (sessions, guard, roll cache): cleaning up is one FLUSHDB.
const REDIS_URL = 'redis://127.0.0.1:6379/11';
const hasher = new KeyedHasher(PEPPER);

/**
 * Two replicas of the USSD service's components against the real Redis, PostgreSQL (a scratch
 * roll) and Kafka: what the transports will call, end to end below them.
 */
describe('ussd components against real Redis, PostgreSQL and Kafka', () => {
  let roll: ScratchRoll;
  let config: UssdConfig;
  let topic: string;
  const replicas: Array<{ components: UssdComponents; registry: MetricsRegistry }> = [];

  beforeAll(async () => {
    roll = await prepareScratchRoll({ databaseUrl: DB, voters: 300, seed: 'ussd-it', pepper: PEPPER });
    topic = await freshTopic('ussd-mt', 12);
    const prefix = `parchee:test:ussd:${randomBytes(4).toString('hex')}:`;
    config = loadUssdConfig({
      PARCHEE_PEPPER: PEPPER,
      PARCHEE_DATABASE_URL: DB,
      PARCHEE_REDIS_URL: REDIS_URL,
      USSD_KEY_PREFIX: prefix,
      PROTECTION_KEY_PREFIX: `${prefix}guard:`,
      PROTECTION_LOOKUPS_PER_HOUR: '3',
      PROTECTION_MAX_DISTINCT_CNICS: '100',
      USSD_MT_TOPIC: topic,
      LOG_LEVEL: 'silent',
    });
    for (let i = 0; i < 2; i++) {
      const registry = new MetricsRegistry('ussd');
      replicas.push({ registry, components: await createUssdComponents(config, { logger: silentLogger, registry, metrics: createUssdMetrics(registry) }) });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { components } of replicas) {
      await components.publisher.close();
      await components.sessionsRedis.close();
      await components.roll.close();
      await components.audit.close();
      await components.guard?.close();
    }
    const redis = testRedis(REDIS_URL);
    await redis.flushdb();
    await redis.quit();
    await dropDatabaseIfExists(DB);
  }, 60_000);

  /** One network step, on replica `replica` (0 or 1). */
  const step = (replica: number, msisdn: string, session: string, stepId: string, event: UssdEvent | string) =>
    replicas[replica].components.dialogs.step({
      operator: 'jazz',
      transport: 'http',
      sessionId: session,
      msisdn,
      stepId,
      event: typeof event === 'string' ? { kind: 'input', text: event } : event,
    });

  it('answers a whole dialog across two replicas: language, CNIC, the voter from the roll, a replayed step, and the result by SMS once', async () => {
    const msisdn = '923339950001';
    const [cnic, voter] = [...roll.expected.entries()][0];
    expect((await step(0, msisdn, 'd1', '0', { kind: 'begin' })).text).toContain('English');
    expect((await step(1, msisdn, 'd1', '1', '2')).end).toBe(false);
    expect((await step(0, msisdn, 'd1', '2', '1')).end).toBe(false);
    const result = await step(1, msisdn, 'd1', '3', `${cnic.slice(0, 5)}-${cnic.slice(5, 12)}-${cnic.slice(12)}`);
    expect(result.text).toContain(voter.blockCode);
    // The network sends the CNIC step again, to the other replica: the same screen, no second lookup.
    expect(await step(0, msisdn, 'd1', '3', `${cnic.slice(0, 5)}-${cnic.slice(5, 12)}-${cnic.slice(12)}`)).toEqual(result);
    const sent = await step(0, msisdn, 'd1', '4', '3');
    expect(sent.end).toBe(true);
    expect(await step(1, msisdn, 'd1', '4', '3')).toEqual(sent);

    const records = await readTopic(testKafka('ussd-it'), topic, 1);
    expect(records).toHaveLength(1);
    expect(records[0].key).toBe(KeyedHasher.text(hasher.msisdn(msisdn)));
    const mt = decodeMt(records[0].value);
    expect(mt).toMatchObject({ operator: 'jazz', msisdn, shortCode: '8300', kind: 'found', lang: 'en' });
    expect(mt.text).toContain(voter.blockCode);
    expect(mt.id).toBe(mtIdFor(mt.moId));

    // One audit row, with its channel, for the one lookup; its id is the dialog step's, as the MT's.
    const pool = createRollPool({ url: DB, poolSize: 1 });
    try {
      const rows = await queryAudit(pool, { msisdnHash: hasher.msisdn(msisdn), days: 1 });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ channel: 'ussd', operator: 'jazz', outcome: 'found', refusal: null, rollVersion: roll.import.version });
      expect(rows[0].cnicHash?.equals(hasher.cnic(cnic))).toBe(true);
      expect(rows[0].moId).toBe(mt.moId.replace(/\.5$/, '.4'));
    } finally {
      await pool.end();
    }
    const body = (await replicas[0].registry.render()).body + (await replicas[1].registry.render()).body;
    expect(body).toMatch(/parchee_ussd_steps_total\{operator="jazz",transport="http",result="replayed"[^}]*\} 1\n/);
    expect(body).toMatch(/parchee_ussd_sessions_ended_total\{operator="jazz",transport="http",outcome="completed"[^}]*\} 1\n/);
    expect(body).toMatch(/parchee_ussd_sms_total\{operator="jazz",result="produced"[^}]*\} 1\n/);
  }, 60_000);

  it('counts USSD lookups with the number’s SMS lookups against one limit, and audits the refusal', async () => {
    const msisdn = '923339950002';
    const cnics = [...roll.expected.keys()].slice(1, 4);
    // An SMS lookup of this number first, decided by lookup's guard on the same keys.
    const sms = createRequestGuard(config, { logger: silentLogger, metrics: new MetricsRegistry('lookup') });
    if (!sms) throw new Error('protection is on in this test');
    try {
      // As lookup does at start: until its client is connected the guard lets lookups through unchecked.
      expect(await sms.ready(2000)).toBe(true);
      const near = hasher.cnicNeighbourhood(cnics[0], 1000).map((m) => KeyedHasher.text(m)) as [string, string];
      const { verdicts, stored } = await sms.guard.decide([{ msisdn, operator: 'jazz', cnicHash: hasher.cnic(cnics[0]), near }]);
      await stored;
      expect(verdicts).toEqual(['allow']);
    } finally {
      await sms.close();
    }
    /** A dialog to the CNIC prompt and a CNIC; the first also chooses Urdu, which the next ones remember. */
    const dial = async (session: string, cnic: string, chooseLanguage: boolean) => {
      const steps = [...(chooseLanguage ? ['1'] : []), '1', cnic];
      await step(0, msisdn, session, '0', { kind: 'begin' });
      let answer = { text: '', end: false };
      for (let i = 0; i < steps.length; i++) answer = await step((i + 1) % 2, msisdn, session, String(i + 1), steps[i]);
      return answer;
    };
    // Two more lookups fit in 3 an hour; the third is refused.
    expect((await dial('s1', cnics[1], true)).end).toBe(false);
    expect((await dial('s2', cnics[2], false)).end).toBe(false);
    const refused = await dial('s3', cnics[0], false);
    expect(refused.end).toBe(true);
    const pool = createRollPool({ url: DB, poolSize: 1 });
    try {
      const rows = await queryAudit(pool, { msisdnHash: hasher.msisdn(msisdn), days: 1 });
      expect(rows.map((r) => [r.channel, r.outcome, r.refusal])).toEqual([
        ['ussd', 'found', null],
        ['ussd', 'found', null],
        ['ussd', 'refused', 'rate_limited'],
      ]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('leaves no clear number, CNIC or session id in Redis', async () => {
    const redis = testRedis(REDIS_URL);
    try {
      const keys = await redis.keys('parchee:test:ussd:*');
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(
        keys.map(async (k) => ((await redis.type(k)) === 'string' ? ((await redis.getBuffer(k))?.toString('latin1') ?? '') : '')),
      );
      const dump = [...keys, ...values].join('\n');
      expect(dump).not.toMatch(/92333995000\d/);
      for (const cnic of [...roll.expected.keys()].slice(0, 4)) expect(dump).not.toContain(cnic);
    } finally {
      await redis.quit();
    }
  });
});
