import { readFileSync } from 'node:fs';
import { maskCnic } from '@parchee/privacy';

/** Arabic-Indic (U+0660) and Extended Arabic-Indic (U+06F0, what Urdu keyboards type) digits. */
const FOREIGN_DIGIT = /[\u0660-\u0669\u06F0-\u06F9]/g;
const DIGIT_RUN = /\d{13,}/g;
const SEPARATED = /(?<!\d)(\d{5})[-\s](\d{7})[-\s](\d)(?!\d)/g;

/** One clear CNIC found in some text; only the masked form is kept, so a report cannot leak it. */
export interface CnicHit {
  masked: string;
  /** The text around the hit, with every known CNIC in it masked. */
  context: string;
}

/**
 * Finds the CNICs of a known set in arbitrary text: plain 13-digit runs (also inside longer runs),
 * the dashed or spaced 5-7-1 form, and all of these in Urdu digits, because citizens type every one
 * of them and a service that copied the text would copy the form too.
 */
export class CnicMatcher {
  private readonly cnics: ReadonlySet<string>;

  constructor(cnics: Iterable<string>) {
    this.cnics = new Set(cnics);
  }

  /** The CNICs in the first column of roll CSV files (header line skipped). */
  static fromRollFiles(files: string[]): CnicMatcher {
    const cnics: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const line of lines.slice(1)) {
        const cnic = line.slice(0, line.indexOf(','));
        if (/^\d{13}$/.test(cnic)) cnics.push(cnic);
      }
    }
    return new CnicMatcher(cnics);
  }

  get size(): number {
    return this.cnics.size;
  }

  find(text: string): CnicHit[] {
    // One UTF-16 unit per digit either way, so indexes stay valid in the original text.
    const ascii = text.replace(FOREIGN_DIGIT, (d) => String(d.charCodeAt(0) & 0x0f));
    const spans = this.spans(ascii);
    if (spans.length === 0) return [];
    const masked = this.mask(ascii, spans);
    return spans.map((s) => ({
      masked: maskCnic(s.cnic),
      context: masked.slice(Math.max(0, s.start - 60), Math.min(masked.length, s.end + 20)),
    }));
  }

  /** The text with every known CNIC in it masked, for quoting where a hit was (a Redis key, say). */
  redact(text: string): string {
    const ascii = text.replace(FOREIGN_DIGIT, (d) => String(d.charCodeAt(0) & 0x0f));
    const spans = this.spans(ascii);
    return spans.length === 0 ? text : this.mask(ascii, spans);
  }

  private spans(ascii: string): Array<{ start: number; end: number; cnic: string }> {
    const spans: Array<{ start: number; end: number; cnic: string }> = [];
    for (const run of ascii.matchAll(DIGIT_RUN)) {
      for (let i = 0; i + 13 <= run[0].length; i++) {
        const candidate = run[0].slice(i, i + 13);
        if (this.cnics.has(candidate)) spans.push({ start: run.index + i, end: run.index + i + 13, cnic: candidate });
      }
    }
    for (const m of ascii.matchAll(SEPARATED)) {
      const candidate = m[1] + m[2] + m[3];
      if (this.cnics.has(candidate)) spans.push({ start: m.index, end: m.index + m[0].length, cnic: candidate });
    }
    return spans;
  }

  private mask(ascii: string, spans: Array<{ start: number; end: number }>): string {
    const chars = ascii.split('');
    // Every digit of a hit becomes '*', so the masked text keeps its shape but not the number.
    for (const s of spans) for (let i = s.start; i < s.end; i++) if (/\d/.test(chars[i])) chars[i] = '*';
    return chars.join('');
  }
}
