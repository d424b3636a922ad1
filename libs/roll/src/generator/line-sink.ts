import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const FLUSH_CHARS = 1 << 20;

/**
 * Collects text lines and writes them in ~1 MB chunks, waiting for the stream to drain so memory
 * stays flat however many rows are generated. Optionally gzips (level 1: the point is disk space,
 * not the last few percent).
 */
export class LineSink {
  private parts: string[] = [];
  private chars = 0;
  private readonly head: Writable;
  private readonly done: Promise<void>;
  bytes = 0;

  constructor(path: string, gzip: boolean) {
    const file = createWriteStream(path);
    if (gzip) {
      const z = createGzip({ level: 1 });
      this.head = z;
      this.done = pipeline(z, file);
    } else {
      this.head = file;
      this.done = once(file, 'finish').then(() => undefined);
      this.done.catch(() => undefined);
    }
  }

  add(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
  }

  get full(): boolean {
    return this.chars >= FLUSH_CHARS;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.chars = 0;
    this.bytes += chunk.length;
    if (!this.head.write(chunk)) await Promise.race([once(this.head, 'drain'), this.done]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.head.end();
    await this.done;
  }
}
