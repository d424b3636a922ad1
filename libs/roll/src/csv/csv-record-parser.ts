/** One CSV record. `line` is the 1-based physical line it starts on (the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** The record's source text without its line terminator. */
  raw: string;
  /** Set when the record is malformed; `fields` is then incomplete. */
  error?: string;
}

interface QuotedParse {
  fields: string[];
  /** Index just past the record's line terminator. */
  next: number;
  /** Index where the record's text ends (before the terminator). */
  contentEnd: number;
  newlines: number;
  error?: string;
}

/** A record longer than this is a broken quote, not data. */
const MAX_RECORD_CHARS = 1_000_000;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * An incremental RFC 4180 parser: comma separator, optional double quotes, "" inside quotes,
 * CRLF or LF line ends, quoted fields may span lines. Lines without a quote take a fast path
 * (a plain split), which is what keeps a 10-million-row voter file quick. Blank lines are
 * skipped. A malformed record is returned with `error` set instead of stopping the file.
 */
export class CsvRecordParser {
  private carry = '';
  private nextLine = 1;

  /** Parses every complete record in the text seen so far and appends it to `out`. */
  push(text: string, out: CsvRecord[]): void {
    this.parse(this.carry.length ? this.carry + text : text, false, out);
  }

  /** Flushes the last record (a file need not end with a newline). */
  end(out: CsvRecord[]): void {
    if (this.carry.length) this.parse(this.carry, true, out);
    this.carry = '';
  }

  private parse(buf: string, final: boolean, out: CsvRecord[]): void {
    const len = buf.length;
    let pos = 0;
    let nextQuote = buf.indexOf('"');
    if (nextQuote === -1) nextQuote = Infinity;
    while (pos < len) {
      let nl = buf.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = len;
      }
      if (nextQuote < pos) {
        nextQuote = buf.indexOf('"', pos);
        if (nextQuote === -1) nextQuote = Infinity;
      }
      if (nextQuote >= nl) {
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
        if (end > pos) {
          const raw = buf.slice(pos, end);
          out.push({ line: this.nextLine, fields: raw.split(','), raw });
        }
        this.nextLine++;
        pos = nl + 1;
        continue;
      }
      const rec = this.parseQuoted(buf, pos, final);
      if (rec === null) {
        if (len - pos <= MAX_RECORD_CHARS) break;
        // An unbalanced quote would otherwise swallow the rest of the file into memory.
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
        out.push({ line: this.nextLine, fields: [], raw: buf.slice(pos, end), error: 'unterminated quoted field' });
        this.nextLine++;
        pos = nl + 1;
        continue;
      }
      const record: CsvRecord = { line: this.nextLine, fields: rec.fields, raw: buf.slice(pos, rec.contentEnd) };
      if (rec.error) record.error = rec.error;
      out.push(record);
      this.nextLine += 1 + rec.newlines;
      pos = rec.next;
    }
    this.carry = pos < len ? buf.slice(pos) : '';
  }

  /** Parses one record containing quotes from `start`; null when it needs more input. */
  private parseQuoted(buf: string, start: number, final: boolean): QuotedParse | null {
    const len = buf.length;
    const fields: string[] = [];
    let i = start;
    let newlines = 0;
    const finish = (at: number): QuotedParse | null => {
      // `at` is the index of the terminator (LF, CR of CRLF, or len).
      if (at >= len) return final ? { fields, next: len, contentEnd: len, newlines } : null;
      if (buf.charCodeAt(at) === LF) return { fields, next: at + 1, contentEnd: at, newlines };
      if (at + 1 >= len) return final ? { fields, next: len, contentEnd: at, newlines } : null;
      return { fields, next: at + 2, contentEnd: at, newlines };
    };
    const malformed = (error: string, from: number): QuotedParse | null => {
      const nl = buf.indexOf('\n', from);
      if (nl === -1 && !final) return null;
      const next = nl === -1 ? len : nl + 1;
      let contentEnd = nl === -1 ? len : nl;
      if (contentEnd > start && buf.charCodeAt(contentEnd - 1) === CR) contentEnd--;
      return { fields, next, contentEnd, newlines: countNewlines(buf, start, from), error };
    };

    for (;;) {
      if (i < len && buf.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = buf.indexOf('"', j);
          if (q === -1) {
            if (!final) return null;
            return malformed('unterminated quoted field', len);
          }
          value += buf.slice(j, q);
          newlines += countNewlines(buf, j, q);
          if (q + 1 >= len && !final) return null;
          if (buf.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
        const c = i < len ? buf.charCodeAt(i) : -1;
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === -1 || c === LF) return finish(i);
        if (c === CR && (i + 1 >= len || buf.charCodeAt(i + 1) === LF)) return finish(i);
        return malformed('unexpected character after a closing quote', i);
      }
      let comma = buf.indexOf(',', i);
      let nl = buf.indexOf('\n', i);
      if (nl === -1) {
        if (!final) return null;
        nl = len;
      }
      if (comma === -1 || comma > nl) comma = Infinity;
      const end = Math.min(comma, nl);
      let valueEnd = end;
      if (end === nl && valueEnd > i && buf.charCodeAt(valueEnd - 1) === CR) valueEnd--;
      const value = buf.slice(i, valueEnd);
      if (value.includes('"')) return malformed('quote inside an unquoted field', i);
      fields.push(value);
      if (end === comma) {
        i = comma + 1;
        continue;
      }
      return finish(valueEnd);
    }
  }
}
