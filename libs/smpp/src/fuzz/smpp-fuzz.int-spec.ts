/**
 * Bounded fuzz of both ends of our SMPP stack over real TCP on 127.0.0.1: a raw socket throws
 * random and mutated PDUs at an SmscServer, and a raw server throws them at a bound EsmeClient.
 *
 * Checked for every run:
 * - nothing crashes: Jest fails the running test on any uncaught exception or unhandled rejection,
 *   and every PDU the stack sends back must decode;
 * - nothing stalls: each batch ends with an enquire_link that must be answered within a deadline,
 *   every request the stack sent settles, and after the storm the same session (or a fresh bind)
 *   answers enquire_link and completes a submit_sm and a deliver_sm round trip;
 * - memory stays bounded: heap used after a full GC grows by less than HEAP_GROWTH_LIMIT;
 * - every framed input gets the answer the spec asks for, checked against what our decoder makes of
 *   it: a request is answered once with its own response (status as the peer's role dictates), a
 *   known request that cannot be decoded with its own response too (ESME_RX_P_APPN for deliver_sm
 *   and data_sm, else the decoder's status), any other undecodable PDU with generic_nack carrying
 *   the decoder's status, a response is never answered; a command_length below 16 or above the limit gets
 *   generic_nack ESME_RINVCMDLEN and the connection closed; an unbind gets unbind_resp and a close.
 *
 * FUZZ_INPUTS sets how many inputs in all (half per peer, default 200 000); FUZZ_SEED replays a run.
 * See libs/smpp/README.md.
 */
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { BindType } from '../codec/bind-type';
import { CommandId, commandName, isResponseCommandId, responseCommandIdFor } from '../codec/command-id';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import type { EncodablePdu, OutgoingPdu, Pdu, RequestPdu, ResponsePdu } from '../codec/pdu';
import { submitSmBody, deliverSmBody } from '../codec/pdu-defaults';
import { decodePdu, encodePdu, PDU_HEADER_LENGTH } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';
import { EsmeClient } from '../client/esme-client';
import { SmppDecodeError } from '../errors/smpp-decode-error';
import { SmppError } from '../errors/smpp-error';
import type { ServerSession } from '../server/server-session';
import { SmscServer } from '../server/smsc-server';
import { FuzzInputKind, FuzzRandom, PduFuzzer } from '../testing/pdu-fuzzer';

const TOTAL_INPUTS = Number(process.env['FUZZ_INPUTS'] ?? 200_000);
const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) >>> 0 : randomInt(0x7fffffff);
const INPUTS_PER_PEER = Math.ceil(TOTAL_INPUTS / 2);
/** How long an answer may take before the peer counts as stalled (generous: CI machines are busy). */
const STALL_MS = 15_000;
/**
 * Bound on the growth of the JS heap plus Buffer memory over a run, after a full GC at both ends.
 * A run keeps one batch (at most ~1.3 MB of inputs) and its answers alive at a time; everything
 * else is garbage once its batch is checked. A leak of one small object per input (a pending entry,
 * a listener, a retained 16-octet frame with its Buffer header, ~100 B) over the 100 000 inputs of
 * a CI run would pass 10 MiB; 32 MiB leaves room for V8's own variance while a per-input leak at
 * the 1 000 000-input run (~100 MB) cannot hide.
 */
const HEAP_GROWTH_LIMIT = 32 * 1024 * 1024;
/**
 * A peer that sends without reading: enquire_link is written until TCP pushes back (a write not
 * drained within FLOOD_BLOCKED_MS). Loopback buffers take ~8 MiB here before that; a stack that never
 * pushes back is caught at FLOOD_CAP, and its memory (answers queued for a peer that reads nothing)
 * must grow by less than FLOOD_GROWTH_LIMIT meanwhile.
 */
const FLOOD_CAP = 48 * 1024 * 1024;
const FLOOD_BLOCKED_MS = 500;
const FLOOD_GROWTH_LIMIT = 16 * 1024 * 1024;
/** Resident memory also counts the heap V8 keeps reserved after a burst, so its bound is looser. */
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024;
const TEST_TIMEOUT_MS = 60_000 + Math.ceil(INPUTS_PER_PEER / 1000) * 300;

const SYSTEM_ID = 'fuzz-esme';
const PASSWORD = 'fuzz-pw';
const MIB = 1024 * 1024;

/** A full GC. Jest runs node without --expose-gc, so the flag is set at run time. */
function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** JS heap plus Buffer memory (held outside the heap) after a full GC. */
function memoryAfterGc(): number {
  collectGarbage();
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

// ---------------------------------------------------------------------------------------------
// What the stack under test should answer

/** What the stack under test is at the moment an input arrives. */
interface PeerModel {
  role: 'server' | 'client';
  bound: boolean;
  bindType: BindType;
}

type Expectation =
  | { kind: 'none' }
  /** The input ends the session (unbind, or a bind the server would refuse): not used mid-batch. */
  | { kind: 'ends' }
  | { kind: 'response'; sequenceNumber: number; commandId: number; status: number }
  /** generic_nack with `status`. */
  | { kind: 'nack'; sequenceNumber: number; status: number };

const NONE: Expectation = { kind: 'none' };
const ENDS: Expectation = { kind: 'ends' };
const transmitterCommands: ReadonlySet<string> = new Set(['submit_sm', 'submit_multi', 'data_sm', 'query_sm', 'cancel_sm', 'replace_sm']);

/** The answer the spec (and the peer's role) demands for one framed input. */
function expectedAnswer(bytes: Buffer, model: PeerModel): Expectation {
  let pdu: Pdu;
  try {
    pdu = decodePdu(bytes);
  } catch (error) {
    if (!(error instanceof SmppDecodeError)) throw error;
    const { commandId, sequenceNumber = 0, commandStatus } = error;
    const command = commandId === undefined ? undefined : commandName(commandId);
    // A garbled response is never answered (it fails the request it answers, if any).
    if (command !== undefined && isResponseCommandId(commandId as number)) return NONE;
    // A known request whose body cannot be read gets its own response: ESME_RX_P_APPN for a message
    // brought to us (deliver_sm, data_sm), the decoder's status for anything else. generic_nack is
    // for a command_id we do not know, and for the requests that have no response.
    if (command !== undefined && command !== 'outbind' && command !== 'alert_notification') {
      const status = command === 'deliver_sm' || command === 'data_sm' ? CommandStatus.ESME_RX_P_APPN : commandStatus;
      return { kind: 'response', sequenceNumber, commandId: responseCommandIdFor(commandId as number), status };
    }
    return { kind: 'nack', sequenceNumber, status: commandStatus };
  }
  if (isResponseCommandId(pdu.commandId)) return NONE;
  const respond = (status: number): Expectation => ({
    kind: 'response',
    sequenceNumber: pdu.sequenceNumber,
    commandId: responseCommandIdFor(pdu.commandId),
    status,
  });
  const nack = (status: number): Expectation => ({ kind: 'nack', sequenceNumber: pdu.sequenceNumber, status });
  if (pdu.command === 'enquire_link') return respond(CommandStatus.ESME_ROK);
  if (pdu.command === 'unbind') return ENDS;
  if (model.role === 'client') {
    switch (pdu.command) {
      case 'deliver_sm':
      case 'data_sm':
        return respond(CommandStatus.ESME_ROK);
      case 'outbind':
      case 'alert_notification':
        return NONE;
      default:
        return respond(CommandStatus.ESME_RINVCMDID);
    }
  }
  const bind = pdu.command.startsWith('bind_');
  if (!model.bound) {
    if (bind) return ENDS;
    if (pdu.command === 'outbind' || pdu.command === 'alert_notification') return nack(CommandStatus.ESME_RINVBNDSTS);
    return respond(CommandStatus.ESME_RINVBNDSTS);
  }
  if (model.bindType === 'receiver' && transmitterCommands.has(pdu.command)) return respond(CommandStatus.ESME_RINVBNDSTS);
  if (bind) return respond(CommandStatus.ESME_RALYBND);
  switch (pdu.command) {
    case 'submit_sm':
      return respond(CommandStatus.ESME_ROK);
    case 'outbind':
    case 'alert_notification':
      return nack(CommandStatus.ESME_RINVCMDID);
    default:
      return respond(CommandStatus.ESME_RINVCMDID);
  }
}

function satisfies(expectation: Expectation, answer: ResponsePdu): boolean {
  if (expectation.kind === 'response') return answer.commandId === expectation.commandId && answer.commandStatus === expectation.status;
  if (expectation.kind !== 'nack') return false;
  return answer.commandId === CommandId.GENERIC_NACK && answer.commandStatus === expectation.status;
}

function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case 'response':
      return `${commandName(expectation.commandId)} ${commandStatusName(expectation.status)}`;
    case 'nack':
      return `generic_nack ${commandStatusName(expectation.status)}`;
    default:
      return expectation.kind;
  }
}

// ---------------------------------------------------------------------------------------------
// Our end of the wire: a raw socket that writes bytes and reads whatever comes back

class RawPeer {
  /** PDUs the stack sent that our decoder refused: the stack must only ever send valid PDUs. */
  readonly malformed: string[] = [];
  closed = false;
  onResponse: (pdu: ResponsePdu) => void = () => undefined;
  onRequest: (pdu: RequestPdu) => void = () => undefined;
  private readonly framer = new PduFramer();
  private readonly wakers = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  send(pdu: OutgoingPdu & { sequenceNumber: number }): void {
    this.write(encodePdu(pdu as EncodablePdu));
  }

  /** Resolves once `predicate` holds (checked after every chunk received); rejects as a stall after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs = STALL_MS): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        this.wakers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.wakers.delete(check);
        reject(new Error(`stall: ${what} did not happen within ${timeoutMs} ms (FUZZ_SEED=${SEED})`));
      }, timeoutMs);
      this.wakers.add(check);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[] = [];
    try {
      frames = this.framer.push(chunk);
    } catch (error) {
      this.malformed.push(`unframeable output: ${(error as Error).message}`);
      this.socket.destroy();
    }
    for (const frame of frames) {
      let pdu: Pdu;
      try {
        pdu = decodePdu(frame);
      } catch (error) {
        this.malformed.push(`${(error as Error).message}: ${frame.toString('hex')}`);
        continue;
      }
      if (isResponseCommandId(pdu.commandId)) this.onResponse(pdu as ResponsePdu);
      else this.onRequest(pdu as RequestPdu);
    }
    this.wake();
  }
}

// ---------------------------------------------------------------------------------------------
// One run: batches of framed inputs, each closed by an enquire_link; connections ended by a stream breaker

interface RunStats {
  inputs: number;
  byKind: Partial<Record<FuzzInputKind | 'desync-tail', number>>;
  /** Inputs whose answer was checked against the expectation (unique sequence number in the batch). */
  checked: number;
  /** Inputs that had to be answered, and were. */
  answered: number;
  nacks: number;
  connections: number;
  /** The peer that sent without reading: enquire_link written before TCP pushed back, and the memory growth meanwhile. */
  flood?: { pdus: number; octets: number; growth: number };
  /** Requests the stack sent us during the storm, and how they settled. */
  requests: { resolved: number; rejected: Record<string, number> };
}

function newStats(): RunStats {
  return { inputs: 0, byKind: {}, checked: 0, answered: 0, nacks: 0, connections: 0, requests: { resolved: 0, rejected: {} } };
}

function count(stats: RunStats, kind: FuzzInputKind | 'desync-tail', inputs = 1): void {
  stats.inputs += inputs;
  stats.byKind[kind] = (stats.byKind[kind] ?? 0) + inputs;
}

const BARRIER_BASE = 0x7fff0000;

/**
 * Writes `size` framed inputs plus a closing enquire_link in a few large writes (split at random
 * octets, so PDUs straddle TCP segments), waits for the enquire_link_resp and every answer the
 * inputs call for, and checks each answer.
 */
async function runBatch(peer: RawPeer, fuzzer: PduFuzzer, model: PeerModel, size: number, stats: RunStats): Promise<void> {
  const random = fuzzer.random;
  const inputs: Buffer[] = [];
  const expected = new Map<number, { expectation: Expectation; input: Buffer }[]>();
  let outstanding = 0;
  for (let i = 0; i < size; i++) {
    let input = fuzzer.framed(i + 1);
    let expectation = expectedAnswer(input.bytes, model);
    while (expectation.kind === 'ends') {
      input = fuzzer.framed(i + 1);
      expectation = expectedAnswer(input.bytes, model);
    }
    inputs.push(input.bytes);
    count(stats, input.kind);
    if (expectation.kind === 'none') continue;
    const sequenceNumber = expectation.sequenceNumber;
    const list = expected.get(sequenceNumber) ?? [];
    list.push({ expectation, input: input.bytes });
    expected.set(sequenceNumber, list);
    outstanding++;
  }
  let barrier = BARRIER_BASE + random.below(0xffff);
  while (expected.has(barrier)) barrier++;
  inputs.push(encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: barrier }));

  const answers = new Map<number, ResponsePdu[]>();
  let barrierAnswered = false;
  peer.onResponse = (pdu) => {
    if (pdu.sequenceNumber === barrier && pdu.commandId === CommandId.ENQUIRE_LINK_RESP) {
      barrierAnswered = true;
      return;
    }
    const list = answers.get(pdu.sequenceNumber) ?? [];
    list.push(pdu);
    answers.set(pdu.sequenceNumber, list);
    if (list.length <= (expected.get(pdu.sequenceNumber)?.length ?? 0)) outstanding--;
  };

  const bytes = Buffer.concat(inputs);
  const cuts = Array.from({ length: random.between(0, 6) }, () => random.below(bytes.length)).sort((a, b) => a - b);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) peer.write(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  await peer.until(() => (barrierAnswered && outstanding === 0) || peer.closed, `the answers to a batch of ${size} inputs`);
  peer.onResponse = () => undefined;
  if (!barrierAnswered) throw new Error(`the ${model.role} closed the connection during a batch of framed inputs (FUZZ_SEED=${SEED})`);

  const problems: string[] = [];
  for (const [sequenceNumber, received] of answers) {
    const wanted = expected.get(sequenceNumber);
    if (wanted === undefined || received.length > wanted.length) {
      const inputsWithSeq = wanted?.map((w) => w.input.toString('hex')) ?? [];
      problems.push(
        `unexpected ${received.map((pdu) => `${pdu.command} ${commandStatusName(pdu.commandStatus)}`).join(', ')} for seq ${sequenceNumber} ${inputsWithSeq}`,
      );
      continue;
    }
    for (const answer of received) {
      if (answer.command === 'generic_nack') stats.nacks++;
      if (wanted.length === 1) {
        stats.checked++;
        if (!satisfies(wanted[0].expectation, answer)) {
          problems.push(
            `input ${wanted[0].input.toString('hex')} answered ${answer.command} ${commandStatusName(answer.commandStatus)}, expected ${describeExpectation(wanted[0].expectation)}`,
          );
        }
      } else if (!wanted.some((w) => satisfies(w.expectation, answer))) {
        problems.push(
          `seq ${sequenceNumber} answered ${answer.command} ${commandStatusName(answer.commandStatus)}, expected one of ${wanted.map((w) => describeExpectation(w.expectation))}`,
        );
      }
    }
    stats.answered += received.length;
  }
  if (peer.malformed.length > 0) problems.push(...peer.malformed.splice(0));
  if (problems.length > 0) {
    throw new Error(`the ${model.role} misanswered fuzz inputs (FUZZ_SEED=${SEED}):\n${problems.slice(0, 10).join('\n')}`);
  }
}

/**
 * Ends the connection with one input the stream cannot be read past, and checks the stack ends it
 * properly: an implausible command_length gets generic_nack ESME_RINVCMDLEN and a close, an unbind
 * unbind_resp and a close, a length that lies (followed by a tail of inputs read out of step) a
 * close once we end our side.
 */
async function breakStream(peer: RawPeer, fuzzer: PduFuzzer, model: PeerModel, stats: RunStats): Promise<void> {
  const sequenceNumber = 0x10000 + fuzzer.random.below(0x10000);
  const input = fuzzer.streamBreaker(sequenceNumber);
  const answers: ResponsePdu[] = [];
  peer.onResponse = (pdu) => answers.push(pdu);
  peer.write(input.bytes);
  count(stats, input.kind);
  if (input.kind === 'implausible-length' || input.kind === 'unbind') {
    await peer.until(() => peer.closed, `the close after ${input.kind} from the ${model.role}`);
    const nack = input.kind === 'implausible-length';
    const answer = answers.find((pdu) => pdu.commandId === (nack ? CommandId.GENERIC_NACK : CommandId.UNBIND_RESP));
    const wantedSeq = nack && input.bytes.readUInt32BE(0) < PDU_HEADER_LENGTH ? 0 : sequenceNumber;
    const expectedStatus = nack ? CommandStatus.ESME_RINVCMDLEN : CommandStatus.ESME_ROK;
    if (answer === undefined || answer.commandStatus !== expectedStatus || (answer.sequenceNumber !== wantedSeq && answer.sequenceNumber !== 0)) {
      throw new Error(
        `${input.kind} ${input.bytes.toString('hex')} answered with ${answers.map((pdu) => `${pdu.command} ${commandStatusName(pdu.commandStatus)}`)} (FUZZ_SEED=${SEED})`,
      );
    }
    if (nack) stats.nacks++;
  } else {
    // The stream is out of step: what follows is read as garbage frames, or never completes one.
    const tail = fuzzer.random.below(20);
    const tailBytes = Array.from({ length: tail }, (_, i) => fuzzer.framed(i + 1).bytes);
    peer.write(Buffer.concat(tailBytes));
    count(stats, 'desync-tail', tail);
    peer.socket.end();
    await peer.until(() => peer.closed, `the close after ${input.kind} and our end from the ${model.role}`);
  }
  peer.onResponse = () => undefined;
  if (peer.malformed.length > 0) throw new Error(`the ${model.role} sent malformed PDUs: ${peer.malformed.join('; ')}`);
}

/**
 * Writes enquire_link in 64 KiB writes while reading nothing, until TCP pushes back; the stack must
 * stop reading (its memory stays flat) rather than queue answers for a peer that does not read them.
 * Then reads again: every enquire_link must be answered.
 */
async function flood(peer: RawPeer, model: PeerModel, stats: RunStats): Promise<void> {
  const perWrite = 4096;
  const chunk = Buffer.concat(Array.from({ length: perWrite }, (_, i) => encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: i + 1 })));
  let answered = 0;
  peer.onResponse = (pdu) => {
    if (pdu.command === 'enquire_link_resp') answered++;
  };
  peer.socket.pause();
  const before = memoryAfterGc();
  let octets = 0;
  for (;;) {
    if (octets >= FLOOD_CAP) {
      throw new Error(`the ${model.role} never pushed back: it read ${octets} octets of enquire_link from a peer that reads nothing (FUZZ_SEED=${SEED})`);
    }
    octets += chunk.length;
    if (peer.socket.write(chunk)) continue;
    const drained = await Promise.race([
      once(peer.socket, 'drain').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), FLOOD_BLOCKED_MS)),
    ]);
    if (!drained) break;
  }
  const growth = memoryAfterGc() - before;
  peer.socket.resume();
  const pdus = octets / PDU_HEADER_LENGTH;
  await peer.until(() => answered === pdus, `the answers to ${pdus} enquire_link once the flood is read`, STALL_MS * 2);
  peer.onResponse = () => undefined;
  stats.flood = { pdus, octets, growth };
  if (growth >= FLOOD_GROWTH_LIMIT) {
    throw new Error(`the ${model.role} grew by ${(growth / MIB).toFixed(1)} MiB while a peer sent ${pdus} enquire_link without reading (FUZZ_SEED=${SEED})`);
  }
}

/** Tracks requests the stack sends during the storm: each must settle, with a response or an SmppError. */
class RequestLedger {
  private readonly open = new Set<Promise<void>>();
  /** Rejections that were not an SmppError: a TypeError or the like escaping the stack. */
  private readonly foreign: Error[] = [];

  constructor(private readonly stats: RunStats) {}

  track(request: Promise<unknown>): void {
    const settled: Promise<void> = request.then(
      () => {
        this.stats.requests.resolved++;
        this.open.delete(settled);
      },
      (error: Error) => {
        if (error instanceof SmppError) this.stats.requests.rejected[error.code] = (this.stats.requests.rejected[error.code] ?? 0) + 1;
        else this.foreign.push(error);
        this.open.delete(settled);
      },
    );
    this.open.add(settled);
  }

  async allSettled(what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.open]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`stall: ${this.open.size} ${what} never settled (FUZZ_SEED=${SEED})`)), STALL_MS);
      }),
    ]);
    clearTimeout(timer);
    if (this.foreign.length > 0) throw new Error(`${what} failed with something other than an SmppError: ${this.foreign[0].stack} (FUZZ_SEED=${SEED})`);
  }
}

function batchSize(random: FuzzRandom, remaining: number): number {
  return Math.max(1, Math.min(remaining, random.between(100, 1200)));
}

function report(role: string, stats: RunStats, seconds: number, heapGrowth: number, rssGrowth: number): void {
  const kinds = Object.entries(stats.byKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const rejected = Object.entries(stats.requests.rejected)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  console.log(
    [
      `smpp fuzz (${role}): ${stats.inputs} inputs in ${seconds.toFixed(1)} s over ${stats.connections} connections, FUZZ_SEED=${SEED}`,
      `  kinds: ${kinds}`,
      `  answers: ${stats.answered} received, ${stats.checked} checked against the spec, ${stats.nacks} generic_nack`,
      `  requests it sent us: ${stats.requests.resolved} resolved, rejected: ${rejected || 'none'}`,
      stats.flood
        ? `  sent without reading: ${stats.flood.pdus} enquire_link (${(stats.flood.octets / MIB).toFixed(1)} MiB) before TCP pushed back, memory growth meanwhile ${(stats.flood.growth / MIB).toFixed(1)} MiB (limit ${FLOOD_GROWTH_LIMIT / MIB}), all answered once read`
        : '  sent without reading: not run',
      `  heap + buffers after GC: ${(heapGrowth / MIB).toFixed(1)} MiB growth (limit ${HEAP_GROWTH_LIMIT / MIB}); RSS ${(rssGrowth / MIB).toFixed(1)} MiB growth (limit ${RSS_GROWTH_LIMIT / MIB})`,
    ].join('\n'),
  );
}

const submitFields = { sourceAddr: '8300', destinationAddr: '923001234567', shortMessage: Buffer.from('fuzz round trip', 'latin1') };

// ---------------------------------------------------------------------------------------------

describe(`SMPP fuzz, ${TOTAL_INPUTS} inputs, FUZZ_SEED=${SEED}`, () => {
  const tried: Record<string, number> = {};

  afterAll(() => {
    const total = Object.values(tried).reduce((sum, n) => sum + n, 0);
    console.log(`smpp fuzz: ${total} inputs tried in all (${Object.entries(tried).map(([role, n]) => `${role} ${n}`)}), FUZZ_SEED=${SEED}`);
  });

  it(
    'SmscServer: a raw socket writing random and mutated PDUs, before and after binding',
    async () => {
      const fuzzer = new PduFuzzer(SEED);
      // Answers to the server's own requests come as the server sends them: a PRNG of their own keeps the inputs a function of the seed.
      const replies = new PduFuzzer(SEED ^ 0x2545f491, { poolSize: 64 });
      const random = fuzzer.random;
      const stats = newStats();
      const ledger = new RequestLedger(stats);
      const server = new SmscServer({
        host: '127.0.0.1',
        port: 0,
        authenticate: (bind) =>
          bind.systemId === SYSTEM_ID && bind.password === PASSWORD ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD },
        sessionOptions: { enquireLinkIntervalMs: 0, responseTimeoutMs: 2000, unbindTimeoutMs: 1000 },
      });
      let messageIds = 0;
      server.on('session', (session) => session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_ROK, messageId: `fz${++messageIds}` })));
      const { port } = await server.listen();
      const peers: RawPeer[] = [];
      const connect = async (): Promise<RawPeer> => {
        const socket = net.connect(port, '127.0.0.1');
        await once(socket, 'connect');
        const peer = new RawPeer(socket);
        peers.push(peer);
        stats.connections++;
        return peer;
      };
      const bind = async (peer: RawPeer, bindType: BindType): Promise<ServerSession> => {
        const session = once(server, 'session') as Promise<[ServerSession]>;
        let response: ResponsePdu | undefined;
        peer.onResponse = (pdu) => (response = pdu);
        peer.send({
          command: `bind_${bindType}`,
          sequenceNumber: 1,
          systemId: SYSTEM_ID,
          password: PASSWORD,
          systemType: '',
          interfaceVersion: 0x34,
          addrTon: 0,
          addrNpi: 0,
          addressRange: '',
        } as OutgoingPdu & { sequenceNumber: number });
        await peer.until(() => response !== undefined, 'bind_resp');
        expect(response).toMatchObject({ command: `bind_${bindType}_resp`, commandStatus: CommandStatus.ESME_ROK });
        return (await session)[0];
      };

      let last: { peer: RawPeer; session: ServerSession; model: PeerModel } | undefined;
      const started = Date.now();
      let baseHeap = 0;
      let baseRss = 0;
      try {
        while (stats.inputs < INPUTS_PER_PEER) {
          const peer = await connect();
          const model: PeerModel = { role: 'server', bound: false, bindType: random.pick(['transceiver', 'transceiver', 'receiver', 'transmitter'] as const) };
          if (random.chance(0.1)) {
            await runBatch(peer, fuzzer, model, batchSize(random, 500), stats);
            if (random.chance(0.3)) {
              await breakStream(peer, fuzzer, model, stats);
              continue;
            }
          }
          const session = await bind(peer, model.bindType);
          model.bound = true;
          if (stats.flood === undefined) await flood(peer, model, stats);
          // The server's own requests get answers that are valid, failed, wrong or garbled, or none at all.
          peer.onRequest = (pdu) => {
            if (pdu.command === 'outbind' || pdu.command === 'alert_notification' || replies.random.chance(0.01)) return;
            peer.write(replies.answer(pdu.commandId, pdu.sequenceNumber));
          };
          do {
            if (model.bindType !== 'transmitter') {
              for (let i = random.below(8); i > 0; i--) {
                ledger.track(session.deliverSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: random.bytes(random.below(160)) }));
              }
            }
            await runBatch(peer, fuzzer, model, batchSize(random, INPUTS_PER_PEER - stats.inputs), stats);
            if (baseHeap === 0) {
              // The baseline once everything is set up and warm.
              baseHeap = memoryAfterGc();
              baseRss = process.memoryUsage().rss;
            }
          } while (!random.chance(0.5) && stats.inputs < INPUTS_PER_PEER);
          if (stats.inputs < INPUTS_PER_PEER || random.chance(0.5)) {
            await breakStream(peer, fuzzer, model, stats);
            await ledger.allSettled('deliver_sm sent by the server');
          } else {
            last = { peer, session, model };
          }
        }
        await ledger.allSettled('deliver_sm sent by the server');
        const seconds = (Date.now() - started) / 1000;

        // After the storm: the surviving session, if any, still answers and still round-trips.
        if (last) {
          const { peer, session, model } = last;
          let answer: ResponsePdu | undefined;
          peer.onResponse = (pdu) => (answer = pdu);
          peer.send({ command: 'enquire_link', sequenceNumber: 0x7ffffff0 });
          await peer.until(() => answer !== undefined, 'enquire_link_resp on the surviving session', 5000);
          expect(answer).toMatchObject({ command: 'enquire_link_resp', sequenceNumber: 0x7ffffff0, commandStatus: 0 });
          if (model.bindType !== 'receiver') {
            answer = undefined;
            peer.send({ command: 'submit_sm', sequenceNumber: 0x7ffffff1, ...submitSmBody(submitFields) });
            await peer.until(() => answer !== undefined, 'submit_sm_resp on the surviving session', 5000);
            expect(answer).toMatchObject({ command: 'submit_sm_resp', commandStatus: 0, messageId: expect.stringMatching(/^fz\d+$/) });
          }
          if (model.bindType !== 'transmitter') {
            peer.onRequest = (pdu) => peer.send({ command: 'deliver_sm_resp', sequenceNumber: pdu.sequenceNumber, messageId: '' });
            await expect(session.deliverSm(submitFields)).resolves.toMatchObject({ commandStatus: 0 });
          }
        }
        // ...and a fresh bind works end to end.
        const client = new EsmeClient({
          host: '127.0.0.1',
          port,
          systemId: SYSTEM_ID,
          password: PASSWORD,
          bindType: 'transceiver',
          enquireLinkIntervalMs: 0,
          responseTimeoutMs: 5000,
        });
        const delivered: Pdu[] = [];
        client.setDeliverSmHandler(async (pdu) => {
          delivered.push(pdu);
          return CommandStatus.ESME_ROK;
        });
        const session = once(server, 'session') as Promise<[ServerSession]>;
        const bound = once(client, 'bound');
        client.start();
        try {
          await bound;
          await expect(client.request({ command: 'enquire_link' })).resolves.toMatchObject({ command: 'enquire_link_resp', commandStatus: 0 });
          await expect(client.submitSm(submitFields)).resolves.toMatchObject({ commandStatus: 0, messageId: expect.stringMatching(/^fz\d+$/) });
          const [fresh] = await session;
          await expect(fresh.deliverSm(submitFields)).resolves.toMatchObject({ command: 'deliver_sm_resp', commandStatus: 0 });
          expect(delivered).toEqual([expect.objectContaining({ sourceAddr: '8300', shortMessage: submitFields.shortMessage })]);
          // No session outlives its connection: the fresh bind and the surviving raw one, nothing else.
          expect(server.sessions.size).toBe(last ? 2 : 1);
        } finally {
          await client.stop();
        }

        last?.peer.destroy();
        const heapGrowth = memoryAfterGc() - baseHeap;
        const rssGrowth = process.memoryUsage().rss - baseRss;
        report('server', stats, seconds, heapGrowth, rssGrowth);
        tried['server'] = stats.inputs;
        expect(stats.inputs).toBeGreaterThanOrEqual(INPUTS_PER_PEER);
        expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
        expect(rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
      } finally {
        peers.forEach((peer) => peer.destroy());
        await server.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'EsmeClient: a server we control writing random and mutated PDUs at a bound client',
    async () => {
      const fuzzer = new PduFuzzer(SEED ^ 0x5bd1e995);
      // Answers to the client's submit_sm come as the client sends them: a PRNG of their own keeps the inputs a function of the seed.
      const replies = new PduFuzzer(SEED ^ 0x68e31da4, { poolSize: 64 });
      const random = fuzzer.random;
      const stats = newStats();
      const ledger = new RequestLedger(stats);
      // Our raw SMSC: answers the bind, then hands the connection to the storm.
      const bound: RawPeer[] = [];
      const raw = net.createServer((socket) => {
        const peer = new RawPeer(socket);
        stats.connections++;
        peer.onRequest = (pdu) => {
          if (pdu.command.startsWith('bind_')) {
            peer.send({ command: `${pdu.command}_resp`, sequenceNumber: pdu.sequenceNumber, systemId: 'FUZZ-SMSC', tlvs: [] } as unknown as EncodablePdu);
            bound.push(peer);
          }
        };
      });
      raw.listen(0, '127.0.0.1');
      await once(raw, 'listening');
      const { port } = raw.address() as net.AddressInfo;
      const nextBound = async (): Promise<RawPeer> => {
        const started = Date.now();
        while (bound.length === 0 || !client.isBound) {
          if (Date.now() - started > STALL_MS) throw new Error(`stall: the client did not bind again within ${STALL_MS} ms (FUZZ_SEED=${SEED})`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        return bound.shift() as RawPeer;
      };

      const client = new EsmeClient({
        host: '127.0.0.1',
        port,
        systemId: SYSTEM_ID,
        password: PASSWORD,
        bindType: 'transceiver',
        enquireLinkIntervalMs: 0,
        responseTimeoutMs: 2000,
        reconnect: { initialDelayMs: 2, maxDelayMs: 50, jitter: 0 },
        sessionOptions: { unbindTimeoutMs: 1000 },
      });
      const delivered: Pdu[] = [];
      client.setDeliverSmHandler(async (pdu) => {
        if (pdu.sourceAddr === 'after-storm') delivered.push(pdu);
        return CommandStatus.ESME_ROK;
      });
      client.start();
      const model: PeerModel = { role: 'client', bound: true, bindType: 'transceiver' };
      const started = Date.now();
      let baseHeap = 0;
      let baseRss = 0;
      let live: RawPeer | undefined;
      try {
        while (stats.inputs < INPUTS_PER_PEER) {
          const current = await nextBound();
          live = current;
          if (stats.flood === undefined) await flood(current, model, stats);
          // The client's submit_sm get answers that are valid, failed, wrong or garbled, or none at all.
          current.onRequest = (pdu) => {
            if (pdu.command === 'submit_sm' && !replies.random.chance(0.01)) current.write(replies.answer(pdu.commandId, pdu.sequenceNumber));
          };
          do {
            for (let i = random.below(8); i > 0; i--) ledger.track(client.submitSm(submitFields));
            await runBatch(current, fuzzer, model, batchSize(random, INPUTS_PER_PEER - stats.inputs), stats);
            if (baseHeap === 0) {
              baseHeap = memoryAfterGc();
              baseRss = process.memoryUsage().rss;
            }
          } while (!random.chance(0.5) && stats.inputs < INPUTS_PER_PEER);
          if (stats.inputs < INPUTS_PER_PEER || random.chance(0.5)) {
            await breakStream(current, fuzzer, model, stats);
            await ledger.allSettled('submit_sm sent by the client');
            live = undefined;
          }
        }
        await ledger.allSettled('submit_sm sent by the client');
        const seconds = (Date.now() - started) / 1000;

        // After the storm: the same client, on the surviving connection or bound again, still works.
        const after = live ?? (await nextBound());
        live = after;
        let answer: ResponsePdu | undefined;
        after.onResponse = (pdu) => (answer = pdu);
        after.onRequest = (pdu) => {
          if (pdu.command === 'submit_sm') after.send({ command: 'submit_sm_resp', sequenceNumber: pdu.sequenceNumber, messageId: 'after-storm-1' });
        };
        after.send({ command: 'enquire_link', sequenceNumber: 0x7ffffff0 });
        await after.until(() => answer !== undefined, 'enquire_link_resp from the client', 5000);
        expect(answer).toMatchObject({ command: 'enquire_link_resp', sequenceNumber: 0x7ffffff0, commandStatus: 0 });
        await expect(client.submitSm(submitFields)).resolves.toMatchObject({ commandStatus: 0, messageId: 'after-storm-1' });
        answer = undefined;
        after.send({
          command: 'deliver_sm',
          sequenceNumber: 0x7ffffff1,
          ...deliverSmBody({ sourceAddr: 'after-storm', destinationAddr: '8300', shortMessage: submitFields.shortMessage }),
        });
        await after.until(() => answer !== undefined, 'deliver_sm_resp from the client', 5000);
        expect(answer).toMatchObject({ command: 'deliver_sm_resp', sequenceNumber: 0x7ffffff1, commandStatus: 0 });
        expect(delivered).toEqual([expect.objectContaining({ destinationAddr: '8300', shortMessage: submitFields.shortMessage })]);
        expect(client.isBound).toBe(true);
        expect(client.pendingRequests).toBe(0);

        const heapGrowth = memoryAfterGc() - baseHeap;
        const rssGrowth = process.memoryUsage().rss - baseRss;
        report('client', stats, seconds, heapGrowth, rssGrowth);
        tried['client'] = stats.inputs;
        expect(stats.inputs).toBeGreaterThanOrEqual(INPUTS_PER_PEER);
        expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
        expect(rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
      } finally {
        const stopping = client.stop();
        // Answer the client's unbind so stop() does not wait out its timeout.
        for (const open of [live, ...bound]) {
          if (open) open.onRequest = (pdu) => pdu.command === 'unbind' && open.send({ command: 'unbind_resp', sequenceNumber: pdu.sequenceNumber });
        }
        await stopping;
        await new Promise<void>((resolve) => raw.close(() => resolve()));
      }
    },
    TEST_TIMEOUT_MS,
  );
});
