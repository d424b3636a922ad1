import type { Duplex } from 'node:stream';
import type { EncodablePdu, Pdu } from '../codec/pdu';
import { decodePdu, encodePdu } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';

/**
 * The far side of a connection in tests: records every PDU the code under test sends and lets the
 * test answer with chosen PDUs or raw bytes. Works over an in-memory pair or a real socket.
 */
export class FakeSmppPeer {
  readonly received: Pdu[] = [];
  /** Number of write chunks that arrived, to observe write coalescing. */
  chunks = 0;
  private readonly framer = new PduFramer();
  private readonly waiters: Array<{ predicate: (pdu: Pdu) => boolean; resolve: (pdu: Pdu) => void }> = [];
  private consumed = 0;
  private ended = false;
  private readonly endWaiters: Array<() => void> = [];

  constructor(readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks++;
      for (const frame of this.framer.push(chunk)) {
        const pdu = decodePdu(frame);
        this.received.push(pdu);
        for (const waiter of [...this.waiters]) {
          if (waiter.predicate(pdu)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(pdu);
          }
        }
      }
    });
    const markEnded = (): void => {
      this.ended = true;
      this.endWaiters.splice(0).forEach((wake) => wake());
    };
    socket.on('end', markEnded);
    socket.on('close', markEnded);
    socket.on('error', () => undefined);
  }

  /** The next PDU received that the test has not consumed yet, in arrival order. */
  async next(): Promise<Pdu> {
    const index = this.consumed++;
    if (index < this.received.length) return this.received[index];
    return new Promise((resolve) => {
      this.waiters.push({ predicate: () => this.received.length > index, resolve: () => resolve(this.received[index]) });
    });
  }

  /** The first PDU (already received or yet to come) matching the predicate. */
  async waitFor(predicate: (pdu: Pdu) => boolean): Promise<Pdu> {
    const seen = this.received.find(predicate);
    if (seen) return seen;
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** Resolves when the other side has ended or closed the connection. */
  async waitForEnd(): Promise<void> {
    if (this.ended) return;
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  send(pdu: EncodablePdu): void {
    this.socket.write(encodePdu(pdu));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }
}
