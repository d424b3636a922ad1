import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvLine } from '../csv/csv-source';

export const REJECTS_HEADER = ['file', 'line', 'reason', 'record'];

/**
 * The reject file: one CSV row per refused source row, with the file, the line number and the
 * reason. Created only when the first row is rejected. Callers pass records with the CNIC
 * already masked: the line number is enough to find the row in the source.
 */
export class RejectWriter {
  private out: WriteStream | null = null;
  private failed: Error | null = null;
  count = 0;

  constructor(readonly path: string) {}

  async write(file: string, line: number, reason: string, record: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.out) {
      this.out = createWriteStream(this.path, { flags: 'w' });
      this.out.on('error', (err) => {
        this.failed = err;
      });
      this.out.write(csvLine(REJECTS_HEADER));
    }
    this.count++;
    if (!this.out.write(csvLine([file, line, reason, record]))) await once(this.out, 'drain');
  }

  /** Path of the file, or null if nothing was rejected. */
  async close(): Promise<string | null> {
    if (!this.out) return null;
    const out = this.out;
    out.end();
    if (!out.writableFinished) await once(out, 'finish');
    if (this.failed) throw this.failed;
    return this.path;
  }
}
