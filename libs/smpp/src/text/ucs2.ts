/**
 * UCS-2 as SMSCs actually use it for `data_coding` 8: UTF-16 big-endian. Characters outside the
 * BMP (emoji) travel as surrogate pairs, which every current handset renders.
 */

/** UTF-16BE code units of the text; surrogate pairs are kept as they are. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * Decodes UTF-16BE. An odd trailing byte cannot be half of a character we could show, so it
 * becomes U+FFFD rather than failing the whole message.
 */
export function decodeUcs2(buf: Buffer): string {
  const even = buf.length & ~1;
  const swapped = Buffer.from(buf.subarray(0, even)).swap16();
  const text = swapped.toString('utf16le');
  return even === buf.length ? text : `${text}\ufffd`;
}
