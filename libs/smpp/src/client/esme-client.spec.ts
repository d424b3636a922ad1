import type { EventEmitter } from 'node:events';
import { CommandStatus } from '../codec/command-status';
import type { EncodablePdu, Pdu } from '../codec/pdu';
import { decodePdu, encodePdu } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';
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
