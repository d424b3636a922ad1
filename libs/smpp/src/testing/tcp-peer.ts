import { once } from 'node:events';
import * as net from 'node:net';
import { FakeSmppPeer } from './fake-smpp-peer';

/**
 * A raw SMPP peer over a real TCP connection, for tests outside this lib that must send bytes no
 * well-behaved client would (apps may not open sockets themselves). Destroy `peer.socket` when done.
 */
export async function connectFakePeer(port: number, host = '127.0.0.1'): Promise<FakeSmppPeer> {
  const socket = net.connect(port, host);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return new FakeSmppPeer(socket);
}
