import { encodePdu } from '../codec/pdu-codec';
import { SmppSession } from '../session/smpp-session';
import { silentSmppLogger } from '../session/smpp-logger';
import { createDuplexPair } from '../testing/duplex-pair';
import { ServerSession } from './server-session';

function setup(): { server: ServerSession; session: SmppSession; received: () => Buffer } {
  const [local, remote] = createDuplexPair();
  const session = new SmppSession(local, { enquireLinkIntervalMs: 0 });
  session.on('error', () => undefined);
  const server = new ServerSession(session, { systemId: 'esme', bindType: 'transceiver', remoteAddress: '127.0.0.1' }, silentSmppLogger);
  const chunks: Buffer[] = [];
  remote.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { server, session, received: () => Buffer.concat(chunks) };
}

async function flushed(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('ServerSession.writeRaw (fault-injection hook)', () => {
  it('writes the octets unchanged, after the PDUs already queued', async () => {
    const { server, session, received } = setup();
    const garbage = Buffer.from('0000001400000015000000000000002adeadbeef', 'hex');
    session.send({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 7 });
    server.writeRaw(garbage);
    await flushed();
    const enquireLink = encodePdu({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 7 });
    expect(received()).toEqual(Buffer.concat([enquireLink, garbage]));
    server.close();
  });

  it('writes nothing once the connection is closed', async () => {
    const { server, received } = setup();
    server.close();
    server.writeRaw(Buffer.from('00000010', 'hex'));
    await flushed();
    expect(received()).toHaveLength(0);
  });
});
