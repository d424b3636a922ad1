import { Duplex } from 'node:stream';

/** One end of an in-memory connection: what one side writes, the other reads. */
export class DuplexPairEnd extends Duplex {
  peer?: DuplexPairEnd;
  /** Mimics net.Socket so code that logs the peer address works unchanged. */
  readonly remoteAddress = '127.0.0.1';

  override _read(): void {
    // Data arrives by push from the other end.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer?.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Like a TCP reset: the other end goes away too.
    if (this.peer && !this.peer.destroyed) this.peer.destroy();
    callback(error);
  }
}

/** Two connected in-memory duplex streams, a stand-in for a TCP connection in unit tests (Node 20 has no duplexPair). */
export function createDuplexPair(): [DuplexPairEnd, DuplexPairEnd] {
  const a = new DuplexPairEnd();
  const b = new DuplexPairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
