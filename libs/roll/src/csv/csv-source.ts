import { createReadStream, promises as fs } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CsvRecord, CsvRecordParser } from './csv-record-parser';

export interface CsvSource {
  path: string;
  compressed: boolean;
  /** Size of the file on disk (compressed size for .gz). */
  size: number;
  /** Bytes of the file consumed so far (compressed bytes for .gz): progress against `size`. */
  bytesRead(): number;
  /** Batches of records (one batch per decoded chunk), the header included. */
  records(): AsyncGenerator<CsvRecord[]>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const CHUNK = 1 << 20;

/** Opens a CSV file, plain or gzip (detected by its magic bytes, whatever its name). */
export async function openCsvSource(path: string): Promise<CsvSource> {
  const handle = await fs.open(path, 'r');
  let compressed = false;
  let size = 0;
  try {
    size = (await handle.stat()).size;
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    compressed = bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    await handle.close();
  }
  let raw: ReturnType<typeof createReadStream> | null = null;
  return {
    path,
    compressed,
    size,
    bytesRead: () => raw?.bytesRead ?? 0,
    records: async function* () {
      raw = createReadStream(path, { highWaterMark: CHUNK });
      const input: Readable = compressed ? pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => undefined) : raw;
      yield* parseCsvStream(input);
    },
  };
}

/** Streams records out of any byte stream of UTF-8 CSV. A leading byte-order mark is dropped. */
export async function* parseCsvStream(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  const parser = new CsvRecordParser();
  let first = true;
  for await (const chunk of input) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    parser.push(text, out);
    if (out.length) yield out;
  }
  const out: CsvRecord[] = [];
  parser.push(decoder.end(), out);
  parser.end(out);
  if (out.length) yield out;
}

/** Quotes a field when it needs it (comma, quote, CR/LF, or edge whitespace). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  if (/[",\r\n]/.test(s) || (s.length > 0 && (s[0] === ' ' || s[s.length - 1] === ' '))) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvLine(fields: Array<string | number | null | undefined>): string {
  return `${fields.map(csvField).join(',')}\n`;
}
