import { randomBytes } from 'node:crypto';
import { testClientLink } from '@parchee/config/testing';
import { silentLogger } from '@parchee/observability';
import { SlotLeases, budgetKeys, budgetOf, type RedisClient } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { CommandStatus, SmscServer, type ServerSession } from '@parchee/smpp';
import { ReceiverBinds } from './receiver-binds';

/*
 * Two ingress replicas sharing one operator link's three receiver binds through real Redis,
 * against a real SMSC over TCP: the operator never sees more binds than the link allows.
 */
const SIZE = 3;
let server: SmscServer;
let port: number;
const open = new Set<ServerSession>();
let mostOpen = 0;
let redis: RedisClient;
let budget: string;

const slotKeys = (): string[] => budgetKeys(`${budget}:jazz:receiver`, SIZE).slice(1);

/** Waits, re-checking every 20 ms for at most 10 s, until `condition` holds. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The owner of each slot, as Redis holds them. */
const owners = async (): Promise<Array<string | null>> => redis.mget(slotKeys());

function replica(owner: string): ReceiverBinds {
  const leases = new SlotLeases(redis, { owner, leaseMs: 60_000 });
  return new ReceiverBinds({
    links: [testClientLink({ port, receiverBinds: SIZE })],
    logger: silentLogger,
    sink: { accept: async () => CommandStatus.ESME_ROK },
    // Rounds every 50 ms, so hand-overs happen within the test's patience.
    budget: { of: (name, size) => budgetOf(leases, `${budget}:${name}`, size), renewMs: 50, replicasHint: 1 },
  });
}

beforeAll(async () => {
  redis = testRedis();
  server = new SmscServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ ok: true }), sessionOptions: { enquireLinkIntervalMs: 0 } });
  server.on('session', (session: ServerSession) => {
    open.add(session);
    mostOpen = Math.max(mostOpen, open.size);
    session.on('close', () => open.delete(session));
  });
  ({ port } = await server.listen());
});
beforeEach(() => {
  budget = `it-${randomBytes(4).toString('hex')}`;
  mostOpen = 0;
});
afterEach(async () => void (await redis.del(...budgetKeys(`${budget}:jazz:receiver`, SIZE))));
afterAll(async () => {
  await server.close();
  redis.disconnect();
});

describe('ReceiverBinds sharing a link’s bind budget', () => {
  it('opens every bind of the link when it is the only replica, and gives them back when stopped', async () => {
    const a = replica('a');
    await a.start();
    await until(async () => open.size === SIZE, 'three binds at the SMSC');
    expect(await owners()).toEqual(['a', 'a', 'a']);
    await a.stop();
    await until(async () => open.size === 0, 'no bind left');
    expect(await owners()).toEqual([null, null, null]);
  });

  it('splits the binds between two replicas, never opening more than the link allows, and the survivor takes the leaver’s', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.start();
    await until(async () => open.size === SIZE, 'a holds the three binds');
    await b.start();
    await until(async () => {
      const held = await owners();
      return open.size === SIZE && held.filter((o) => o === 'a').length === 2 && held.filter((o) => o === 'b').length === 1;
    }, 'two binds with a, one with b');
    await a.stop();
    await until(async () => open.size === SIZE && (await owners()).every((o) => o === 'b'), 'b holds the three binds');
    expect(mostOpen).toBeLessThanOrEqual(SIZE);
    await b.stop();
    await until(async () => open.size === 0, 'no bind left');
  });

  it('binds a bindMode: transceiver link as transceivers, and still takes its MOs', async () => {
    const taken: string[] = [];
    const binds = new ReceiverBinds({
      links: [testClientLink({ port, receiverBinds: 1, bindMode: 'transceiver' })],
      logger: silentLogger,
      sink: { accept: async (operator) => (taken.push(operator), CommandStatus.ESME_ROK) },
    });
    const bound = new Promise<ServerSession>((resolve) => server.once('session', resolve));
    await binds.start();
    const session = await bound;
    expect(session.bindType).toBe('transceiver');
    const resp = await session.deliverSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('HELP', 'latin1') });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(taken).toEqual(['jazz']);
    await binds.stop();
  });
});
