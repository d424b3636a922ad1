import { Readable } from 'node:stream';
import { CsvRecord, CsvRecordParser } from './csv-record-parser';
import { csvLine, parseCsvStream } from './csv-source';

function parseWhole(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const p = new CsvRecordParser();
  p.push(text, out);
  p.end(out);
  return out;
}

function parseInPieces(text: string, size: number): CsvRecord[] {
  const out: CsvRecord[] = [];
  const p = new CsvRecordParser();
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size), out);
  p.end(out);
  return out;
}

describe('CsvRecordParser', () => {
  it('splits plain lines and numbers them from the header', () => {
    const recs = parseWhole('a,b,c\n1,2,3\n4,5,6\n');
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [3, ['4', '5', '6']],
    ]);
  });

  it('keeps commas inside quoted fields and unescapes doubled quotes', () => {
    const [r] = parseWhole('"Govt. Boys School No. 2, Mohalla X","He said ""hi""",3\n');
    expect(r.fields).toEqual(['Govt. Boys School No. 2, Mohalla X', 'He said "hi"', '3']);
    expect(r.error).toBeUndefined();
  });

  it('reads Urdu text, quoted or not, unchanged', () => {
    const recs = parseWhole('137000001,لاہور,"گورنمنٹ بوائز پرائمری سکول نمبر 2، محلہ اسلام پورہ"\n');
    expect(recs[0].fields).toEqual(['137000001', 'لاہور', 'گورنمنٹ بوائز پرائمری سکول نمبر 2، محلہ اسلام پورہ']);
  });

  it('accepts CRLF line ends and a last line without a newline', () => {
    const recs = parseWhole('a,b\r\n"x,y",z\r\n1,2');
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x,y', 'z'],
      ['1', '2'],
    ]);
  });

  it('lets a quoted field span lines and keeps later line numbers true to the file', () => {
    const recs = parseWhole('h1,h2\n"line one\nline two",x\nnext,row\n');
    expect(recs[1].fields).toEqual(['line one\nline two', 'x']);
    expect(recs[1].line).toBe(2);
    expect(recs[2].line).toBe(4);
  });

  it('skips blank lines but still counts them', () => {
    const recs = parseWhole('h\n\n\nv\n');
    expect(recs.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'h'],
      [4, 'v'],
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(parseWhole('a,,c,\n')[0].fields).toEqual(['a', '', 'c', '']);
    expect(parseWhole('"a",,""\n')[0].fields).toEqual(['a', '', '']);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'h1,h2,h3\n"a,""b""\r\nc",لاہور,3\r\nx,y,z\n"q",w,"e"\n';
    const whole = parseWhole(text).map((r) => [r.line, r.fields, r.raw]);
    for (const size of [1, 2, 3, 5, 7, 11]) {
      expect(parseInPieces(text, size).map((r) => [r.line, r.fields, r.raw])).toEqual(whole);
    }
  });

  it('flags a record with text after a closing quote and carries on with the next line', () => {
    const recs = parseWhole('"ab"c,d\nok,1\n');
    expect(recs[0].error).toBe('unexpected character after a closing quote');
    expect(recs[0].raw).toBe('"ab"c,d');
    expect(recs[1]).toMatchObject({ line: 2, fields: ['ok', '1'] });
  });

  it('flags a stray quote inside an unquoted field', () => {
    const recs = parseWhole('a,b"c,d\nok\n');
    expect(recs[0].error).toBe('quote inside an unquoted field');
    expect(recs[1].fields).toEqual(['ok']);
  });

  it('reports an unterminated quote at the end of the file instead of hanging', () => {
    const recs = parseWhole('a,b\n"never closed,1\n2,3\n');
    expect(recs[1].error).toBe('unterminated quoted field');
    expect(recs[1].line).toBe(2);
  });

  it('drops a UTF-8 byte-order mark and decodes characters split across chunks', async () => {
    const bytes = Buffer.from('\ufeffname\nکراچی\n', 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const out: CsvRecord[] = [];
    for await (const batch of parseCsvStream(Readable.from(chunks))) out.push(...batch);
    expect(out.map((r) => r.fields[0])).toEqual(['name', 'کراچی']);
  });

  it('round-trips what csvLine writes', () => {
    const row = ['Govt. Girls High School No. 1, Ward No. 7', 'a "quoted" word', ' padded ', 'گورنمنٹ گرلز ہائی سکول', ''];
    expect(parseWhole(csvLine(row))[0].fields).toEqual(row);
  });
});
