import { alphabetOf, DataCoding, decodeShortMessage } from './data-coding';
import { encodeGsm7, packGsm7 } from './gsm7';
import { SmsTextError, SmsTextErrorCode } from './sms-text-error';
import { encodeUcs2 } from './ucs2';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SmsTextError ? err.code : 'not an SmsTextError';
  }
  return undefined;
}

describe('decodeShortMessage', () => {
  it('reads data_coding 0 as unpacked GSM 7-bit by default', () => {
    expect(decodeShortMessage(DataCoding.DEFAULT, encodeGsm7('3520212345671 {ok}'))).toBe('3520212345671 {ok}');
  });

  it('reads packed GSM 7-bit when told to', () => {
    expect(decodeShortMessage(0, packGsm7(encodeGsm7('hellohello')), { gsm7Packed: true })).toBe('hellohello');
    expect(decodeShortMessage(0, packGsm7(encodeGsm7('hi')), { gsm7Packed: true, gsm7PaddingBits: 0 })).toBe('hi');
    expect(decodeShortMessage(0, packGsm7(encodeGsm7('hi'), 1), { gsm7Packed: true, gsm7PaddingBits: 1 })).toBe('hi');
  });

  it('reads IA5, Latin-1 and UCS-2', () => {
    expect(decodeShortMessage(DataCoding.IA5, Buffer.from('HELP', 'ascii'))).toBe('HELP');
    expect(decodeShortMessage(DataCoding.IA5, Buffer.from([0x41, 0xe9]))).toBe('A\ufffd');
    expect(decodeShortMessage(DataCoding.LATIN1, Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
    expect(decodeShortMessage(DataCoding.UCS2, encodeUcs2('آپ کا ووٹ'))).toBe('آپ کا ووٹ');
  });

  it('refuses binary data codings with a coded error', () => {
    expect(codeOf(() => decodeShortMessage(DataCoding.OCTET, Buffer.from([1, 2])))).toBe(SmsTextErrorCode.BINARY_DATA_CODING);
    expect(codeOf(() => decodeShortMessage(DataCoding.OCTET_UNSPECIFIED, Buffer.from([1, 2])))).toBe(SmsTextErrorCode.BINARY_DATA_CODING);
    expect(codeOf(() => decodeShortMessage(0xf4, Buffer.from([1])))).toBe(SmsTextErrorCode.BINARY_DATA_CODING);
    expect(codeOf(() => decodeShortMessage(0x15, Buffer.from([1])))).toBe(SmsTextErrorCode.BINARY_DATA_CODING);
  });

  it('refuses alphabets it does not implement with a different code', () => {
    expect(codeOf(() => decodeShortMessage(0x06, Buffer.from([1])))).toBe(SmsTextErrorCode.UNSUPPORTED_DATA_CODING);
    expect(codeOf(() => decodeShortMessage(0x30, Buffer.from([1])))).toBe(SmsTextErrorCode.UNSUPPORTED_DATA_CODING);
    expect(codeOf(() => decodeShortMessage(0x90, Buffer.from([1])))).toBe(SmsTextErrorCode.UNSUPPORTED_DATA_CODING);
  });

  it('honours the message class groups: 0xF0-0xFF bit 2, 0x10-0x1F alphabet bits', () => {
    expect(decodeShortMessage(0xf0, encodeGsm7('Flash'))).toBe('Flash');
    expect(decodeShortMessage(0xf1, encodeGsm7('class 1'))).toBe('class 1');
    expect(decodeShortMessage(0x10, encodeGsm7('class 0'))).toBe('class 0');
    expect(decodeShortMessage(0x18, encodeUcs2('ووٹ'))).toBe('ووٹ');
    expect(decodeShortMessage(0x19, encodeUcs2('ووٹ'))).toBe('ووٹ');
  });

  it('maps the remaining coding groups to their alphabets', () => {
    expect(alphabetOf(0x48)).toBe('ucs2');
    expect(alphabetOf(0xc0)).toBe('gsm7');
    expect(alphabetOf(0xd8)).toBe('gsm7');
    expect(alphabetOf(0xe0)).toBe('ucs2');
    expect(alphabetOf(0x1c)).toBe('unsupported');
    expect(alphabetOf(256)).toBe('unsupported');
    expect(alphabetOf(-1)).toBe('unsupported');
  });
});
