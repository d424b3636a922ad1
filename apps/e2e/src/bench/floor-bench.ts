/**
 * npm run bench -- floor: what the suite's libraries and engines cost per MO with none of Parchee's
 * own work, at the rates the suite runs at. The suite bench says what each process spends per MO;
 * this one says how much of that no change to Parchee's code can remove, short of fewer records,
 * fewer commands or other libraries.
 *
 * Four skeletons, one after the other, each for FLOOR_SECONDS after a warm-up (and, after the
 * kafka skeleton, the kafka drain: each stage alone against a backlog, its lower bound per record):
 *   kafka     three child processes shaped like the services, with no work of their own: "ingress"
 *             publishes each MO and each receipt in its own BatchingPublisher call (as ingress does
 *             per deliver_sm); "lookup" answers every MO with one MT in a TransactionalProcessor set
 *             up as lookup's; "egress" reads MTs and receipts with two BatchConsumers set up as
 *             egress's. Records of the suite's sizes, 12 partitions a topic.
 *   redis     ioredis with auto-pipelining as every service uses it: plain GETs, and BatchedSets
 *             (one EVALSHA a turn carrying every key of the turn), in turns of FLOOR_REDIS_KEYS.
 *   postgres  AuditWriter rows, in the batches lookup hands it.
 *   smpp      our EsmeClient against our SmscServer (child process): deliver_sm answered (ingress's
 *             side), then submit_sm sent with a window of 10 (egress's side); only the ESME's CPU counts.
 * Each prints the CPU per unit (record, command, row, PDU) of the client and of the engine; the
 * arithmetic per MO is in docs/benchmarks.md ("The floor under the suite").
 *
 *   FLOOR_MO_RATE      MOs per second the skeletons are paced at (default 5000)
 *   FLOOR_PARTS        reply parts (each with a receipt) per MO (default 2.5, the suite bench's mix)
 *   FLOOR_SECONDS      measured seconds per skeleton (default 15, after 5 s of warm-up)
 *   FLOOR_REDIS_KEYS   keys a turn for BatchedSets (default 4)
 *   FLOOR_DRAIN_MOS    MOs in the kafka drain phase's backlog (default 60000), each with FLOOR_PARTS receipts
 *   FLOOR_ONLY         kafka,redis,postgres,smpp: which skeletons (default all; kafka-drain: the drain phase alone)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { BatchConsumer, BatchingPublisher, TransactionalProcessor, createKafka, ensureTopics, type OutgoingRecord } from '@parchee/messaging';
import { BatchedSets, openRedisClient } from '@parchee/redis';
import { AuditWriter, runRollMigrations, type AuditRow } from '@parchee/roll';
import { CommandStatus, EsmeClient, Npi, RegisteredDelivery, SmscServer, Ton, encodeGsm7, type ServerSession } from '@parchee/smpp';
import { ROOT, run } from '@parchee/suite';
import { cpuSeconds, infraCpuSeconds, loadAverage } from './support/proc';

const MO_RATE = Number(process.env['FLOOR_MO_RATE'] ?? 5000);
const PARTS = Number(process.env['FLOOR_PARTS'] ?? 2.5);
const SECONDS = Number(process.env['FLOOR_SECONDS'] ?? 15);
const WARM_UP_SECONDS = 5;
const REDIS_KEYS = Number(process.env['FLOOR_REDIS_KEYS'] ?? 4);
const ONLY = (process.env['FLOOR_ONLY'] ?? 'kafka,redis,postgres,smpp').split(',').map((s) => s.trim());
const ROLE_FLAG = '--floor-role';
const TOPICS = { mo: 'bench.floor.mo', mt: 'bench.floor.mt', dlr: 'bench.floor.dlr' };
/** The drain phases' own topics, fresh each run (deleted after), so each reads only its own backlog. */
const DRAIN = process.env['FLOOR_DRAIN_SUFFIX'] ?? '';
const DRAIN_TOPICS = { mo: `bench.floor.drain.mo.${DRAIN}`, mt: `bench.floor.drain.mt.${DRAIN}`, dlr: `bench.floor.drain.dlr.${DRAIN}` };
/** MOs in the drain phases' backlog. */
const DRAIN_MOS = Number(process.env['FLOOR_DRAIN_MOS'] ?? 60_000);
const BROKERS = ['127.0.0.1:9092'];

/** Records of the suite's sizes (MO about 330 bytes, MT about 480, receipt about 260), distinct per call. */
function moRecord(i: number): OutgoingRecord {
  const value = JSON.stringify({
    v: 2,
    id: `01J${i.toString(36).padStart(23, '0')}`,
    operator: 'jazz',
    msisdn: `92300${String(i % 10_000_000).padStart(7, '0')}`,
    shortCode: '8300',
    request: { kind: 'lookup', lang: 'ur', cnic: { hashes: { p1: 'q'.repeat(43) }, near: ['a'.repeat(22), 'b'.repeat(22)] } },
    textLength: 13,
    dataCoding: 0,
    receivedAt: Date.now(),
  });
  return { topic: TOPICS.mo, key: `k${i}`, value: Buffer.from(value) };
}

function dlrRecord(i: number): OutgoingRecord {
  const id = (1e9 + i).toString(16);
  const value = JSON.stringify({
    v: 1,
    id: `01J${i.toString(36).padStart(23, '0')}`,
    operator: 'jazz',
    messageId: id,
    normalisedIds: [id, String(1e9 + i)],
    state: 'DELIVERED',
    final: true,
    receivedAt: Date.now(),
  });
  return { topic: TOPICS.dlr, key: id, value: Buffer.from(value) };
}

const MT_VALUE = JSON.stringify({
  v: 1,
  id: '01J000000000000000000000000.r1',
  moId: '01J000000000000000000000000',
  operator: 'jazz',
  msisdn: '923001234567',
  shortCode: '8300',
  text: 'x'.repeat(300),
  lang: 'ur',
  kind: 'found',
  moReceivedAt: 0,
  createdAt: 0,
  expiresAt: 0,
});
const MT_TEXT = 'آپ کا ووٹ: حلقہ NA-125، بلاک کوڈ 123456789، سلسلہ نمبر 1128، گھرانہ نمبر 77، پولنگ اسٹیشن 47 گورنمنٹ گرلز ہائی اسکول راوی روڈ۔';

/** Calls `emit(n)` for the units due since the start, every few ms, until `until` (epoch ms). */
async function paced(ratePerSec: number, until: number, emit: (index: number) => void): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * ratePerSec);
    while (sent < due) emit(sent++);
    await delay(2);
  }
  return sent;
}

// ---------------------------------------------------------------- children (kafka and smpp)

async function ingressRole(until: number): Promise<Record<string, number>> {
  const publisher = new BatchingPublisher(createKafka({ brokers: BROKERS, clientId: 'floor-ingress' }));
  await publisher.connect();
  let failed = 0;
  let receipts = 0;
  // Publish latency is the floor of ingress's deliver_sm_resp: it answers once its publish is acknowledged.
  const latencies: number[] = [];
  const measureFrom = Date.now() + WARM_UP_SECONDS * 1000;
  const publish = (record: OutgoingRecord): void => {
    const at = performance.now();
    publisher.publish([record]).then(
      () => void (Date.now() >= measureFrom && latencies.push(performance.now() - at)),
      () => failed++,
    );
  };
  const mos = await paced(MO_RATE, until, (i) => {
    publish(moRecord(i));
    const due = Math.floor((i + 1) * PARTS);
    while (receipts < due) publish(dlrRecord(receipts++));
  });
  await publisher.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { mos, receipts, failed, publishP50Ms: at(0.5), publishP99Ms: at(0.99) };
}

async function lookupRole(until: number): Promise<Record<string, number>> {
  const processor = new TransactionalProcessor(createKafka({ brokers: BROKERS, clientId: 'floor-lookup' }), {
    groupId: 'floor-lookup',
    topic: TOPICS.mo,
    transactionalIdPrefix: `floor-lookup-${process.pid}`,
    concurrency: 12,
    maxBytesPerPartition: 1024 * 1024,
    fetchMinBytes: 64 * 1024,
    fetchMaxWaitMs: 20,
  });
  let answered = 0;
  await processor.start(async (batch) => {
    const now = Date.now();
    const records = batch.records.map((r) => ({
      topic: TOPICS.mt,
      key: r.key?.toString() ?? null,
      value: Buffer.from(
        JSON.stringify({
          v: 1,
          id: `${r.offset}`,
          moId: `${r.offset}`,
          operator: 'jazz',
          msisdn: '923001234567',
          shortCode: '8300',
          text: MT_TEXT,
          lang: 'ur',
          kind: 'found',
          moReceivedAt: now,
          createdAt: now,
          expiresAt: now + 3_600_000,
        }),
      ),
    }));
    answered += records.length;
    return { records };
  });
  await delay(Math.max(0, until - Date.now()));
  await processor.stop();
  return { answered };
}

async function egressRole(until: number): Promise<Record<string, number>> {
  const kafka = createKafka({ brokers: BROKERS, clientId: 'floor-egress' });
  const counts = { mts: 0, receipts: 0 };
  const mts = new BatchConsumer(kafka, { groupId: 'floor-egress', topics: [TOPICS.mt], partitionsConsumedConcurrently: 12 });
  const dlrs = new BatchConsumer(kafka, { groupId: 'floor-egress-dlr', topics: [TOPICS.dlr] });
  await mts.start(async (batch) => void (counts.mts += batch.records.length));
  await dlrs.start(async (batch) => void (counts.receipts += batch.records.length));
  await delay(Math.max(0, until - Date.now()));
  await Promise.all([mts.stop(), dlrs.stop()]);
  return counts;
}

/**
 * The drain phases: each stage handles a backlog as fast as it can, so every batch and request is
 * as large as the client makes them. The CPU per record there is the lower bound of that stage.
 */
async function ingressDrain(): Promise<Record<string, number>> {
  const publisher = new BatchingPublisher(createKafka({ brokers: BROKERS, clientId: 'floor-ingress-drain' }));
  await publisher.connect();
  const started = process.cpuUsage();
  let receipts = 0;
  let pending: Array<Promise<void>> = [];
  for (let i = 0; i < DRAIN_MOS; i++) {
    pending.push(publisher.publish([{ ...moRecord(i), topic: DRAIN_TOPICS.mo }]));
    const due = Math.floor((i + 1) * PARTS);
    while (receipts < due) pending.push(publisher.publish([{ ...dlrRecord(receipts++), topic: DRAIN_TOPICS.dlr }]));
    // A bounded backlog in the publisher, as an SMSC window bounds ingress's.
    if (pending.length >= 5000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const cpu = process.cpuUsage(started);
  await publisher.close();
  return { records: DRAIN_MOS + receipts, cpuS: (cpu.user + cpu.system) / 1e6 };
}

async function lookupDrain(): Promise<Record<string, number>> {
  const processor = new TransactionalProcessor(createKafka({ brokers: BROKERS, clientId: 'floor-lookup-drain' }), {
    groupId: `floor-lookup-drain-${DRAIN}`,
    topic: DRAIN_TOPICS.mo,
    transactionalIdPrefix: `floor-lookup-drain-${process.pid}`,
    concurrency: 12,
    maxBytesPerPartition: 1024 * 1024,
    fetchMinBytes: 64 * 1024,
    fetchMaxWaitMs: 20,
  });
  let answered = 0;
  let started: NodeJS.CpuUsage | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await processor.start(async (batch) => {
    started ??= process.cpuUsage();
    const value = Buffer.from(MT_VALUE);
    const records = batch.records.map((r) => ({ topic: DRAIN_TOPICS.mt, key: r.key?.toString() ?? null, value }));
    answered += records.length;
    if (answered >= DRAIN_MOS) setImmediate(done);
    return { records };
  });
  await finished;
  await processor.stop();
  const cpu = process.cpuUsage(started);
  return { records: answered, cpuS: (cpu.user + cpu.system) / 1e6 };
}

async function egressDrain(): Promise<Record<string, number>> {
  const kafka = createKafka({ brokers: BROKERS, clientId: 'floor-egress-drain' });
  const wanted = DRAIN_MOS + Math.floor(DRAIN_MOS * PARTS);
  let consumed = 0;
  let started: NodeJS.CpuUsage | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const count = async (n: number): Promise<void> => {
    started ??= process.cpuUsage();
    consumed += n;
    if (consumed >= wanted) setImmediate(done);
  };
  const mts = new BatchConsumer(kafka, { groupId: `floor-egress-drain-${DRAIN}`, topics: [DRAIN_TOPICS.mt], partitionsConsumedConcurrently: 12 });
  const dlrs = new BatchConsumer(kafka, { groupId: `floor-egress-dlr-drain-${DRAIN}`, topics: [DRAIN_TOPICS.dlr] });
  await mts.start((batch) => count(batch.records.length));
  await dlrs.start((batch) => count(batch.records.length));
  await finished;
  const cpu = process.cpuUsage(started);
  await Promise.all([mts.stop(), dlrs.stop()]);
  return { records: consumed, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** The SMSC of the smpp skeleton: sends deliver_sm at the rate asked, answers every submit_sm. */
async function smscRole(): Promise<void> {
  const server = new SmscServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ ok: true }), sessionOptions: { enquireLinkIntervalMs: 0, window: 100 } });
  let receiver: ServerSession | undefined;
  let messageId = 0;
  server.on('session', (session: ServerSession) => {
    session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_ROK, messageId: (++messageId).toString(16) }));
    receiver = session;
  });
  const { port } = await server.listen();
  process.on('message', (m: { deliver?: { rate: number; until: number } }) => {
    if (!m.deliver || !receiver) return;
    const session = receiver;
    const fields = {
      sourceAddrTon: Ton.INTERNATIONAL,
      sourceAddrNpi: Npi.ISDN,
      sourceAddr: '923001234567',
      destAddrTon: Ton.NETWORK_SPECIFIC,
      destAddrNpi: Npi.UNKNOWN,
      destinationAddr: '8300',
      shortMessage: encodeGsm7('3520212345671'),
    };
    let answered = 0;
    let failed = 0;
    void paced(
      m.deliver.rate,
      m.deliver.until,
      () =>
        void session.deliverSm(fields).then(
          () => answered++,
          () => failed++,
        ),
    ).then((sent) => process.send?.({ sent, answered, failed }));
  });
  process.send?.({ port });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

async function childMain(role: string): Promise<void> {
  if (role === 'smsc') return smscRole();
  const drains: Record<string, () => Promise<Record<string, number>>> = {
    'ingress-drain': ingressDrain,
    'lookup-drain': lookupDrain,
    'egress-drain': egressDrain,
  };
  if (drains[role]) {
    process.send?.({ counts: await drains[role]() });
    process.disconnect?.();
    return;
  }
  const [{ until }] = (await once(process, 'message')) as [{ until: number }];
  const roles: Record<string, (until: number) => Promise<Record<string, number>>> = { ingress: ingressRole, lookup: lookupRole, egress: egressRole };
  const counts = await roles[role](until);
  process.send?.({ counts });
  process.disconnect?.();
}

// ---------------------------------------------------------------- parent

const us = (seconds: number, units: number): string => (units > 0 ? ((seconds * 1e6) / units).toFixed(1) : '-');
const spawnRole = (role: string): ChildProcess =>
  fork(__filename, [ROLE_FLAG, role], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const print = (line: string): void => void process.stdout.write(`${line}\n`);

async function kafkaFloor(): Promise<void> {
  await ensureTopics(
    { brokers: BROKERS },
    Object.values(TOPICS).map((name) => ({ name, partitions: 12, config: { 'retention.ms': String(10 * 60_000) } })),
  );
  const roles = ['egress', 'lookup', 'ingress'].map((role) => ({ role, child: spawnRole(role) }));
  // Consumers join their groups first (they start from the log's end), then the load starts.
  await delay(8000);
  const until = Date.now() + (WARM_UP_SECONDS + SECONDS) * 1000 + 2000;
  for (const { child } of roles) child.send({ until });
  await delay(WARM_UP_SECONDS * 1000);
  const cpu0 = roles.map(({ child }) => cpuSeconds(child.pid!));
  const infra0 = infraCpuSeconds();
  await delay(SECONDS * 1000);
  const cpu1 = roles.map(({ child }) => cpuSeconds(child.pid!));
  const infra1 = infraCpuSeconds();
  const results = await Promise.all(
    roles.map(async ({ role, child }) => ({ role, counts: ((await once(child, 'message')) as [{ counts: Record<string, number> }])[0].counts })),
  );
  const mos = MO_RATE * SECONDS;
  print(
    `\nkafka skeleton: ${MO_RATE} MO/s, ${PARTS} receipts per MO (${MO_RATE * (1 + PARTS)} records/s published, ${MO_RATE} answered in transactions, ${MO_RATE * (1 + PARTS)} consumed), ${SECONDS} s measured`,
  );
  print(`  counts over the whole run: ${results.map((r) => `${r.role} ${JSON.stringify(r.counts)}`).join('; ')}`);
  print('  process | CPU s | µs per MO | µs per record it handles');
  const records: Record<string, number> = { ingress: mos * (1 + PARTS), lookup: mos * 2, egress: mos * (1 + PARTS) };
  roles.forEach(({ role }, i) => {
    const s = cpu1[i] - cpu0[i];
    print(`  ${role} | ${s.toFixed(2)} | ${us(s, mos)} | ${us(s, records[role])}`);
  });
  const broker = infra1.kafka - infra0.kafka;
  print(`  broker | ${broker.toFixed(2)} | ${us(broker, mos)} | ${us(broker, mos * (2 + PARTS))} (per record written)`);
  await Promise.all(roles.map(({ child }) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  await kafkaDrainFloor();
}

/** Each stage alone against a backlog: the lower bound of its Kafka cost per record. */
async function kafkaDrainFloor(): Promise<void> {
  const suffix = String(Date.now());
  const env = { ...process.env, FLOOR_DRAIN_SUFFIX: suffix };
  const topics = { mo: `bench.floor.drain.mo.${suffix}`, mt: `bench.floor.drain.mt.${suffix}`, dlr: `bench.floor.drain.dlr.${suffix}` };
  await ensureTopics(
    { brokers: BROKERS },
    Object.values(topics).map((name) => ({ name, partitions: 12, config: { 'retention.ms': String(10 * 60_000) } })),
  );
  print(
    `\nkafka drain: ${DRAIN_MOS} MOs and ${Math.floor(DRAIN_MOS * PARTS)} receipts as a backlog, each stage alone, as fast as it goes (the lower bound per record)`,
  );
  print('  stage | records | its CPU µs per record | broker CPU µs per record | µs per MO (stage + broker)');
  const perMo: Record<string, number> = { 'ingress-drain': 1 + PARTS, 'lookup-drain': 1, 'egress-drain': 1 + PARTS };
  let total = 0;
  for (const role of ['ingress-drain', 'lookup-drain', 'egress-drain']) {
    const child = fork(__filename, [ROLE_FLAG, role], { execArgv: ['-r', '@swc-node/register'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const broker0 = infraCpuSeconds().kafka;
    const [{ counts }] = (await once(child, 'message')) as [{ counts: { records: number; cpuS: number } }];
    const broker = infraCpuSeconds().kafka - broker0;
    if (child.exitCode === null) await once(child, 'exit');
    const mo = (counts.cpuS * 1e6 * perMo[role]) / counts.records + (broker * 1e6 * perMo[role]) / counts.records;
    total += mo;
    print(`  ${role.replace('-drain', '')} | ${counts.records} | ${us(counts.cpuS, counts.records)} | ${us(broker, counts.records)} | ${mo.toFixed(1)}`);
  }
  print(`  all three, per MO: ${total.toFixed(1)} µs (the broker's share includes its group and transaction bookkeeping while each stage ran)`);
  const admin = createKafka({ brokers: BROKERS, clientId: 'floor-bench' }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
}

async function redisFloor(): Promise<void> {
  const redis = await openRedisClient({ url: 'redis://127.0.0.1:6379', name: 'floor-bench', commandTimeoutMs: 10_000 });
  const sets = new BatchedSets(redis.client);
  const opsPerSec = MO_RATE * 4;
  print(`\nredis skeleton: ${opsPerSec} operations/s for ${SECONDS} s each (auto-pipelined ioredis, as the services)`);
  print('  operation | client µs per op | Redis µs per op | Redis commands per op (commands inside a script count)');
  const measure = async (label: string, op: (i: number) => Promise<unknown>): Promise<void> => {
    const callsBefore = await commandCalls(redis.client);
    await paced(opsPerSec, Date.now() + WARM_UP_SECONDS * 1000, (i) => void op(i).catch(() => undefined));
    const [c0, r0] = [process.cpuUsage(), infraCpuSeconds()];
    const ops = await paced(opsPerSec, Date.now() + SECONDS * 1000, (i) => void op(i).catch(() => undefined));
    const [c, r1] = [process.cpuUsage(c0), infraCpuSeconds()];
    const calls = (await commandCalls(redis.client)) - callsBefore;
    print(
      `  ${label} | ${us((c.user + c.system) / 1e6, ops)} | ${us(r1.redis - r0.redis, ops)} | ${(calls / (ops * (1 + WARM_UP_SECONDS / SECONDS))).toFixed(3)}`,
    );
  };
  await measure('GET', (i) => redis.client.get(`parchee:floor:get:${i % 50_000}`));
  // Keys arrive in turns of REDIS_KEYS (each its own event-loop turn), as one batch's writes do.
  await measure(`BatchedSets.set, ${REDIS_KEYS} keys a turn`, (i) =>
    i % REDIS_KEYS === 0
      ? new Promise((resolve) =>
          setImmediate(
            () =>
              void Promise.all(Array.from({ length: REDIS_KEYS }, (_, k) => sets.set(`parchee:floor:set:${(i + k) % 50_000}`, 'v'.repeat(40), 60_000))).then(
                resolve,
                resolve,
              ),
          ),
        )
      : Promise.resolve(),
  );
  await redis.client.eval("for _, k in ipairs(redis.call('KEYS', 'parchee:floor:*')) do redis.call('UNLINK', k) end return 0", 0);
  await redis.close();
}

/** Calls so far of every Redis command but INFO (INFO commandstats). */
async function commandCalls(client: { info(section: string): Promise<string> }): Promise<number> {
  const info = await client.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== 'info') calls += Number(m[2]);
  return calls;
}

async function postgresFloor(): Promise<void> {
  const url = 'postgres://postgres@127.0.0.1:5432/parchee_floor';
  await run(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', 'DROP DATABASE IF EXISTS parchee_floor WITH (FORCE)'],
    {},
    { quiet: true },
  );
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', 'CREATE DATABASE parchee_floor'], {}, { quiet: true });
  await runRollMigrations({ url });
  const writer = AuditWriter.open({ url });
  // Lookup hands the writer one batch's rows at a time, about ten at the suite's rates.
  const rowsPerCall = 10;
  const row = (i: number): AuditRow => ({
    at: new Date(),
    moId: `01J${i.toString(36).padStart(23, '0')}`,
    operator: 'jazz',
    channel: 'sms',
    msisdnHash: Buffer.alloc(32, i % 251),
    cnicHash: Buffer.alloc(32, i % 241),
    outcome: 'found',
    refusal: null,
    rollVersion: 1,
  });
  const write = (i: number): void => {
    if (i % rowsPerCall === 0) void writer.record(Array.from({ length: rowsPerCall }, (_, k) => row(i + k))).catch(() => undefined);
  };
  await paced(MO_RATE, Date.now() + WARM_UP_SECONDS * 1000, write);
  const [c0, r0] = [process.cpuUsage(), infraCpuSeconds()];
  const rows = await paced(MO_RATE, Date.now() + SECONDS * 1000, write);
  const [c, r1] = [process.cpuUsage(c0), infraCpuSeconds()];
  await writer.close();
  print(`\npostgres skeleton: ${MO_RATE} audit rows/s, ${rowsPerCall} a call, ${SECONDS} s`);
  print(`  client µs per row ${us((c.user + c.system) / 1e6, rows)} | PostgreSQL µs per row ${us(r1.postgres - r0.postgres, rows)}`);
  await run(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', 'DROP DATABASE IF EXISTS parchee_floor WITH (FORCE)'],
    {},
    { quiet: true },
  );
}

async function smppFloor(): Promise<void> {
  const smsc = spawnRole('smsc');
  const [{ port }] = (await once(smsc, 'message')) as [{ port: number }];
  const client = new EsmeClient({
    host: '127.0.0.1',
    port,
    systemId: 'floor',
    password: 'floor',
    bindType: 'transceiver',
    window: 10,
    responseTimeoutMs: 30_000,
    enquireLinkIntervalMs: 0,
    reconnect: { initialDelayMs: 60_000 },
  });
  client.setDeliverSmHandler(async () => CommandStatus.ESME_ROK);
  const bound = once(client, 'bound');
  client.start();
  await bound;
  const deliverRate = Math.round(MO_RATE * (1 + PARTS));
  const submitRate = Math.round(MO_RATE * PARTS);
  print(`\nsmpp skeleton: our EsmeClient (this process) against our SmscServer (child), loopback TCP, ${SECONDS} s each`);
  // ingress's side: deliver_sm in, deliver_sm_resp out.
  smsc.send({ deliver: { rate: deliverRate, until: Date.now() + (WARM_UP_SECONDS + SECONDS) * 1000 } });
  await delay(WARM_UP_SECONDS * 1000);
  let c0 = process.cpuUsage();
  await delay(SECONDS * 1000);
  let c = process.cpuUsage(c0);
  const [delivered] = (await once(smsc, 'message')) as [{ sent: number; answered: number; failed: number }];
  print(
    `  deliver_sm received and answered at ${deliverRate}/s: ESME µs per PDU ${us((c.user + c.system) / 1e6, deliverRate * SECONDS)} (whole run: ${JSON.stringify(delivered)})`,
  );
  // egress's side: submit_sm out, submit_sm_resp in, a window of 10.
  const submit = {
    sourceAddrTon: Ton.NETWORK_SPECIFIC,
    sourceAddrNpi: Npi.UNKNOWN,
    sourceAddr: '8300',
    destAddrTon: Ton.INTERNATIONAL,
    destAddrNpi: Npi.ISDN,
    destinationAddr: '923001234567',
    registeredDelivery: RegisteredDelivery.SUCCESS_OR_FAILURE,
    shortMessage: encodeGsm7('Your vote: NA-125 Lahore-IX, polling station 47 Govt Girls High School Ravi Road, booth 3, serial 1128.'),
  };
  await paced(submitRate, Date.now() + WARM_UP_SECONDS * 1000, () => void client.submitSm(submit).catch(() => undefined));
  c0 = process.cpuUsage();
  let failed = 0;
  const submits = await paced(submitRate, Date.now() + SECONDS * 1000, () => void client.submitSm(submit).catch(() => failed++));
  c = process.cpuUsage(c0);
  print(`  submit_sm sent and answered at ${submitRate}/s: ESME µs per PDU ${us((c.user + c.system) / 1e6, submits)} (${failed} of ${submits} failed)`);
  await client.stop();
  smsc.disconnect();
  await once(smsc, 'exit');
}

async function main(): Promise<void> {
  print(`bench floor: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${loadAverage()}, ${ROOT}`);
  const steps: Record<string, () => Promise<void>> = {
    kafka: kafkaFloor,
    'kafka-drain': kafkaDrainFloor,
    redis: redisFloor,
    postgres: postgresFloor,
    smpp: smppFloor,
  };
  for (const name of ONLY) await steps[name]();
}

const roleAt = process.argv.indexOf(ROLE_FLAG);
if (roleAt >= 0) {
  void childMain(process.argv[roleAt + 1]);
} else {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`bench floor failed: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
