import type { EventEmitter } from 'node:events';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import type { EncodablePdu, Pdu } from '../codec/pdu';
import { decodePdu, encodePdu } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';
import type { SmppLogger } from '../session/smpp-logger';
import { createDuplexPair, type DuplexPairEnd } from '../testing/duplex-pair';
import { EsmeClient, type EsmeClientOptions } from './esme-client';

/** Resolves with the arguments of the next `event` (ignores 'error', unlike events.once). */
function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (...args: unknown[]) => resolve(args as T)));
}

/**
 * The operator's SMSC over in-memory connections: answers each bind with the status `bindStatus`
 * gives at that moment, and unbind with unbind_resp. `drop()` cuts the latest connection, as an
 * SMSC that drops a bind.
 */
class FakeSmsc {
  bindStatus: number = CommandStatus.ESME_ROK;
  readonly connections: DuplexPairEnd[] = [];

  readonly openSocket = (): DuplexPairEnd => {
    const [local, remote] = createDuplexPair();
    const framer = new PduFramer();
    const send = (pdu: EncodablePdu): void => void remote.write(encodePdu(pdu));
    remote.on('data', (chunk: Buffer) => {
      for (const pdu of framer.push(chunk).map((frame) => decodePdu(frame) as Pdu)) {
        if (pdu.command.startsWith('bind_')) {
          send({ command: `${pdu.command}_resp`, commandStatus: this.bindStatus, sequenceNumber: pdu.sequenceNumber, systemId: 'FAKE-SMSC' } as EncodablePdu);
        } else if (pdu.command === 'unbind') {
          send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
          remote.end();
        }
      }
    });
    remote.on('end', () => remote.end());
    remote.on('error', () => undefined);
    this.connections.push(remote);
    process.nextTick(() => local.emit('connect'));
    return local;
  };

  drop(): void {
    this.connections[this.connections.length - 1].destroy();
  }
}

/** A logger that keeps what it is given, so a test can read what would have been logged. */
function recordingLogger(): SmppLogger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const PASSWORD = 'hunter22';
const clients: EsmeClient[] = [];

function createClient(smsc: FakeSmsc, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
  const client = new EsmeClient({
    host: 'smsc.invalid',
    port: 2775,
    systemId: 'parchee',
    password: PASSWORD,
    bindType: 'transmitter',
    enquireLinkIntervalMs: 0,
    openSocket: smsc.openSocket,
    ...overrides,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** Fires the pending reconnect timer and resolves once the client is bound again. */
async function reconnectAndBind(client: EsmeClient, delayMs: number): Promise<void> {
  const bound = nextEvent(client, 'bound');
  jest.advanceTimersByTime(delayMs);
  await bound;
}

/** Drops the bind after it has been up `upMs` (fake time) and resolves with the reconnect delay chosen. */
async function dropAfter(smsc: FakeSmsc, client: EsmeClient, upMs: number): Promise<number> {
  jest.advanceTimersByTime(upMs);
  const reconnecting = nextEvent<[{ delayMs: number }]>(client, 'reconnecting');
  smsc.drop();
  const [{ delayMs }] = await reconnecting;
  return delayMs;
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  jest.useRealTimers();
});

describe('EsmeClient reconnect backoff', () => {
  const backoff = { initialDelayMs: 100, factor: 2, maxDelayMs: 10_000, jitter: 0, backoffResetAfterMs: 30_000 };

  it('keeps growing the delay for an SMSC that accepts the bind and drops it at once', async () => {
    const smsc = new FakeSmsc();
    const client = createClient(smsc, { reconnect: backoff });
    const bound = nextEvent(client, 'bound');
    client.start();
    await bound;
    const delays = [await dropAfter(smsc, client, 0)];
    for (let i = 0; i < 3; i++) {
      await reconnectAndBind(client, delays[delays.length - 1]);
      delays.push(await dropAfter(smsc, client, 10));
    }
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('starts the backoff over only once a bind has stayed up backoffResetAfterMs', async () => {
    const smsc = new FakeSmsc();
    const client = createClient(smsc, { reconnect: backoff });
    const bound = nextEvent(client, 'bound');
    client.start();
    await bound;
    const first = await dropAfter(smsc, client, 0);
    await reconnectAndBind(client, first);
    const second = await dropAfter(smsc, client, 0);
    await reconnectAndBind(client, second);
    const afterAlmostLasting = await dropAfter(smsc, client, 29_999);
    await reconnectAndBind(client, afterAlmostLasting);
    const afterLasting = await dropAfter(smsc, client, 30_000);
    expect([first, second, afterAlmostLasting, afterLasting]).toEqual([100, 200, 400, 100]);
  });

  it('resets after 30 s up unless configured', async () => {
    const smsc = new FakeSmsc();
    const client = createClient(smsc, { reconnect: { initialDelayMs: 100, factor: 2, jitter: 0 } });
    const bound = nextEvent(client, 'bound');
    client.start();
    await bound;
    const first = await dropAfter(smsc, client, 0);
    await reconnectAndBind(client, first);
    const afterShort = await dropAfter(smsc, client, 29_000);
    await reconnectAndBind(client, afterShort);
    expect([first, afterShort, await dropAfter(smsc, client, 30_000)]).toEqual([100, 200, 100]);
  });
});

describe('EsmeClient refused credentials', () => {
  const reconnect = { initialDelayMs: 100, factor: 2, maxDelayMs: 10_000, jitter: 0, authFailureDelayMs: 120_000 };

  it.each([CommandStatus.ESME_RINVPASWD, CommandStatus.ESME_RINVSYSID, CommandStatus.ESME_RINVSYSTYP])(
    'waits the auth-failure delay instead of the fast backoff after a bind refused with status %i',
    async (status) => {
      const smsc = new FakeSmsc();
      smsc.bindStatus = status;
      const client = createClient(smsc, { reconnect });
      const refused = nextEvent<[{ status: number; credentials: boolean }]>(client, 'bind_refused');
      const reconnecting = nextEvent<[{ delayMs: number }]>(client, 'reconnecting');
      client.start();
      expect((await refused)[0]).toEqual({ status, credentials: true });
      expect((await reconnecting)[0].delayMs).toBe(120_000);
      jest.advanceTimersByTime(119_999);
      expect(smsc.connections).toHaveLength(1);
      const again = nextEvent(client, 'bind_refused');
      jest.advanceTimersByTime(1);
      await again;
      expect(smsc.connections).toHaveLength(2);
    },
  );

  it('retries a bind refused with ESME_RBINDFAIL (also "too many binds") at the growing backoff, not after the credentials delay', async () => {
    const smsc = new FakeSmsc();
    smsc.bindStatus = CommandStatus.ESME_RBINDFAIL;
    const client = createClient(smsc, { reconnect });
    const refused = nextEvent<[{ status: number; credentials: boolean }]>(client, 'bind_refused');
    const reconnecting = nextEvent<[{ delayMs: number }]>(client, 'reconnecting');
    client.start();
    expect((await refused)[0]).toEqual({ status: CommandStatus.ESME_RBINDFAIL, credentials: false });
    expect((await reconnecting)[0].delayMs).toBe(100);
  });

  it('waits five minutes after refused credentials unless configured', async () => {
    const smsc = new FakeSmsc();
    smsc.bindStatus = CommandStatus.ESME_RINVPASWD;
    const client = createClient(smsc, { reconnect: { jitter: 0 } });
    const reconnecting = nextEvent<[{ delayMs: number }]>(client, 'reconnecting');
    client.start();
    expect((await reconnecting)[0].delayMs).toBe(300_000);
  });

  it('keeps the fast backoff for a refusal that is not about credentials', async () => {
    const smsc = new FakeSmsc();
    smsc.bindStatus = CommandStatus.ESME_RSYSERR;
    const client = createClient(smsc, { reconnect });
    const refusals: Array<{ status: number; credentials: boolean }> = [];
    const delays: number[] = [];
    client.on('bind_refused', (info) => refusals.push(info));
    client.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    const first = nextEvent(client, 'reconnecting');
    client.start();
    await first;
    const second = nextEvent(client, 'reconnecting');
    jest.advanceTimersByTime(100);
    await second;
    expect(delays).toEqual([100, 200]);
    expect(refusals).toEqual([
      { status: CommandStatus.ESME_RSYSERR, credentials: false },
      { status: CommandStatus.ESME_RSYSERR, credentials: false },
    ]);
  });

  it('logs refused credentials at error level once per episode, never the password, and a bind ends the episode', async () => {
    const smsc = new FakeSmsc();
    smsc.bindStatus = CommandStatus.ESME_RINVPASWD;
    const logger = recordingLogger();
    const client = createClient(smsc, { reconnect, logger, name: 'acme/tx0' });
    let delayMs = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = nextEvent(client, 'bind_refused');
      const reconnecting = nextEvent<[{ delayMs: number }]>(client, 'reconnecting');
      if (attempt === 0) client.start();
      else jest.advanceTimersByTime(delayMs);
      await refused;
      [{ delayMs }] = await reconnecting;
    }
    const errors = () => logger.lines.filter((line) => line.level === 'error');
    expect(errors()).toEqual([
      {
        level: 'error',
        obj: { session: 'acme/tx0', systemId: 'parchee', status: commandStatusName(CommandStatus.ESME_RINVPASWD), retryEveryMs: 120_000 },
        msg: expect.stringContaining('does not accept our credentials'),
      },
    ]);

    smsc.bindStatus = CommandStatus.ESME_ROK;
    await reconnectAndBind(client, delayMs);
    smsc.bindStatus = CommandStatus.ESME_RINVSYSID;
    const refusedAgain = nextEvent(client, 'bind_refused');
    jest.advanceTimersByTime(await dropAfter(smsc, client, 0));
    await refusedAgain;
    expect(errors().map((line) => (line.obj as { status: string }).status)).toEqual(['ESME_RINVPASWD', 'ESME_RINVSYSID']);
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });
});
